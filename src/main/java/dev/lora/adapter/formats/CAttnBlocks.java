package dev.lora.adapter.formats;

import dev.lora.io.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Converts c_attn updates between loralib's MergedLinear (per-slice A_g, B_g for the enabled q/k/v slices) and
 * PEFT's single update over the whole fused projection: A = [A_1; ...; A_k] ([k*r, C]) and B [3C, k*r] whose
 * rows of the j-th enabled slice hold B_j in columns [j*r, (j+1)*r) and are zero elsewhere. Then
 * B A restricted to slice j's rows is B_j A_j, the same update.
 */
final class CAttnBlocks {
    private CAttnBlocks() {
    }

    /** loralib B [k*C, r] of the given slices as PEFT's block-structured B [3C, k*r]. */
    static Matrix blockDiagonal(Matrix b, int[] slices, int r) {
        int k = slices.length, width = b.rows() / k;
        Matrix out = Matrix.zeros(3 * width, k * r);
        for (int j = 0; j < k; j++) {
            Matrix part = b.rowRange(j * width, (j + 1) * width);
            for (int row = 0; row < width; row++) {
                System.arraycopy(part.data(), row * r, out.data(), (slices[j] * width + row) * out.cols() + j * r, r);
            }
        }
        return out;
    }

    /**
     * PEFT c_attn updates (A [R, C], B [3C, R] per layer) as loralib updates. When every layer has the same
     * R and B has the block structure above for the slices that are non-zero in some layer, the slices and
     * their A_g, B_g are recovered exactly (rank R/k, alpha/k: the same scaling); otherwise each layer
     * becomes a q,k,v update of rank R whose three slices share A, which is the same update too.
     */
    static List<ModuleUpdate> split(List<Tensor[]> pairs, List<ModuleKind.Name> names, PeftFormat.ModulePatterns patterns,
                                    Path source) {
        List<ModuleUpdate> out = new ArrayList<>();
        if (pairs.isEmpty()) return out;
        List<Matrix> as = new ArrayList<>(), bs = new ArrayList<>();
        for (Tensor[] ab : pairs) {
            as.add(Matrix.of(ab[0], source));
            bs.add(Matrix.of(ab[1], source));
        }
        int[] slices = blockSlices(as, bs);
        for (int i = 0; i < pairs.size(); i++) {
            Matrix a = as.get(i), b = bs.get(i);
            int width = a.cols(), rank = a.rows();
            double alpha = patterns.alpha(names.get(i).module());
            String tensor = pairs.get(i)[0].name();
            if (slices != null) {
                int k = slices.length, r = rank / k;
                List<Matrix> parts = new ArrayList<>();
                for (int j = 0; j < k; j++) parts.add(b.block(slices[j] * width, (slices[j] + 1) * width, j * r, (j + 1) * r));
                out.add(new ModuleUpdate(names.get(i), slices, a, Matrix.stackRows(parts), r, alpha / k, tensor));
            } else {
                out.add(new ModuleUpdate(names.get(i), new int[]{0, 1, 2}, Matrix.stackRows(List.of(a, a, a)), b, rank,
                        alpha, tensor));
            }
        }
        return out;
    }

    /** The enabled slices when every layer has the block structure, else null. */
    private static int[] blockSlices(List<Matrix> as, List<Matrix> bs) {
        int rank = as.get(0).rows();
        TreeSet<Integer> used = new TreeSet<>();
        for (int i = 0; i < as.size(); i++) {
            if (as.get(i).rows() != rank) return null;
            int width = as.get(i).cols();
            for (int s = 0; s < 3; s++) if (!bs.get(i).rowsZero(s * width, (s + 1) * width)) used.add(s);
        }
        int k = used.size();
        if (k == 0 || rank % k != 0) return null;
        int r = rank / k;
        int[] slices = used.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < as.size(); i++) {
            int width = as.get(i).cols();
            for (int j = 0; j < k; j++) {
                if (!bs.get(i).zeroOutside(slices[j] * width, (slices[j] + 1) * width, j * r, (j + 1) * r)) return null;
            }
        }
        return slices;
    }
}
