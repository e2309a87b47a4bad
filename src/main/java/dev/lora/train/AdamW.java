package dev.lora.train;

import dev.lora.model.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;

/**
 * torch.optim.AdamW, step for step: decoupled decay p <- p * (1 - lr * wd), then the Adam update
 * p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
public final class AdamW {
    private final List<Param> params;
    private final double beta1, beta2, eps, weightDecay;
    private final List<INDArray> m = new ArrayList<>();
    private final List<INDArray> v = new ArrayList<>();
    private long steps;

    public AdamW(List<Param> params, double beta1, double beta2, double eps, double weightDecay) {
        this.params = params;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Param p : params) {
            m.add(Nd4j.zeros(p.value().dataType(), p.value().shape()));
            v.add(Nd4j.zeros(p.value().dataType(), p.value().shape()));
        }
    }

    public void step(double lr) {
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
        for (int i = 0; i < params.size(); i++) {
            INDArray p = params.get(i).value(), g = params.get(i).grad();
            p.muli(1 - lr * weightDecay);
            m.get(i).muli(beta1).addi(g.mul(1 - beta1));
            v.get(i).muli(beta2).addi(g.mul(g).muli(1 - beta2));
            INDArray denom = Transforms.sqrt(v.get(i), true).divi(bc2Sqrt).addi(eps);
            p.subi(m.get(i).div(denom).muli(lr / bc1));
        }
    }

    public long steps() {
        return steps;
    }

    /** First and second moments, in parameter order (for checkpoints). */
    public List<INDArray> firstMoments() {
        return m;
    }

    public List<INDArray> secondMoments() {
        return v;
    }

    /** Restores a checkpointed state. */
    public void restore(long steps, List<INDArray> first, List<INDArray> second) {
        this.steps = steps;
        for (int i = 0; i < params.size(); i++) {
            m.get(i).assign(first.get(i));
            v.get(i).assign(second.get(i));
        }
    }
}
