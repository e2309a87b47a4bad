package dev.lora.io;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDict;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Unpickles the data.pkl of a torch.save zip archive into Java objects: dicts become insertion-ordered
 * maps, tuples Object[], tensors {@link Tensor} (unnamed; the caller names them by their place in the
 * tree) or {@link UnsupportedTensor}. Tensor storages are the archive's data/&lt;key&gt; entries, found
 * through pickle's persistent ids, read once each however many tensors view them.
 *
 * <p>Torch's classes are resolved here per instance rather than through razorvine's static
 * registerConstructor, and dict opcodes are overridden because razorvine's dicts lose key order.
 */
final class TorchUnpickler extends Unpickler {

    /** A torch.*Storage class named in a persistent id; {@code dtype} is null for types lora cannot hold. */
    record StorageType(String name, DType dtype) {
    }

    /** One archive entry data/&lt;key&gt;: {@code numel} elements, {@code bytes} little-endian (null when not read). */
    record Storage(String key, StorageType type, long numel, ByteBuffer bytes) {
    }

    private static final Map<String, DType> STORAGE_DTYPES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16, "DoubleStorage", DType.F64);

    private final Path file;
    private final ZipFile zip;
    private final String folder;
    private final Map<String, Storage> storages = new HashMap<>();

    /** {@code folder} is the archive's top folder with its trailing slash, e.g. "archive/". */
    TorchUnpickler(Path file, ZipFile zip, String folder) {
        this.file = file;
        this.zip = zip;
        this.folder = folder;
    }

    /** Opcodes followed by a little-endian byte count of this width, then that many bytes. */
    private static final Map<Short, Integer> COUNTED = Map.of(Opcodes.BINUNICODE, 4, Opcodes.BINSTRING, 4,
            Opcodes.BINBYTES, 4, Opcodes.LONG4, 4, Opcodes.BINUNICODE8, 8, Opcodes.BINBYTES8, 8, Opcodes.BYTEARRAY8, 8);

    @Override
    protected Object dispatch(short opcode) throws PickleException, IOException {
        Integer width = COUNTED.get(opcode);
        if (width != null) checkCount(opcode, width);
        switch (opcode) {
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
                putPairs(stack.pop_all_since_marker(), map);
                stack.add(map);
            }
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(pairs, asMap(stack.peek()));
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                asMap(stack.peek()).put(hashable(key), value);
            }
            case Opcodes.ADDITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                if (!(stack.peek() instanceof Set<?>)) throw new PickleException("ADDITEMS on a " + brief(stack.peek(), 0));
                @SuppressWarnings("unchecked") Set<Object> set = (Set<Object>) stack.peek();
                for (Object item : items) set.add(hashable(item));
            }
            case Opcodes.FROZENSET -> {
                Set<Object> set = new HashSet<>();
                for (Object item : stack.pop_all_since_marker()) set.add(hashable(item));
                stack.add(set);
            }
            case Opcodes.BUILD -> build(stack.pop(), stack.peek());
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(global(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                String name = (String) stack.pop();
                String module = (String) stack.pop();
                stack.add(global(module, name));
            }
            default -> {
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /**
     * razorvine allocates the count it reads before reading the bytes, so a damaged count (2^31 - 1, or
     * negative) would allocate gigabytes or fail outside its own exceptions. The input holds the whole
     * pickle (see TorchPickle.load), so a count beyond what is left is a corrupted file.
     */
    private void checkCount(short opcode, int width) throws IOException {
        if (!input.markSupported()) throw new IllegalStateException("TorchUnpickler needs the whole pickle in memory");
        input.mark(width);
        byte[] b = input.readNBytes(width);
        input.reset();
        if (b.length < width) return; // razorvine reports the early end itself
        ByteBuffer le = ByteBuffer.wrap(Arrays.copyOf(b, 8)).order(ByteOrder.LITTLE_ENDIAN);
        long count = width == 4 ? le.getInt(0) : le.getLong(0);
        long left = input.available() - width;
        if (count < 0 || count > left) {
            throw new PickleException("opcode 0x" + Integer.toHexString(opcode) + " claims " + count + " bytes but "
                    + left + " are left");
        }
    }

    private static void putPairs(List<Object> pairs, Map<Object, Object> map) {
        if (pairs.size() % 2 != 0) throw new PickleException("odd number of items for a dict");
        for (int i = 0; i < pairs.size(); i += 2) map.put(hashable(pairs.get(i)), pairs.get(i + 1));
    }

    /**
     * Python refuses dicts, lists and sets as dict keys and set items, so only a damaged pickle has them;
     * they are refused here too, before hashCode recurses through a container that holds itself.
     */
    private static Object hashable(Object key) {
        if (key instanceof Map || key instanceof List || key instanceof Set) {
            throw new PickleException("unhashable " + brief(key, 0) + " used as a dict key or set item");
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object o) {
        if (!(o instanceof Map)) throw new PickleException("SETITEMS on a " + (o == null ? "None" : o.getClass().getSimpleName()));
        return (Map<Object, Object>) o;
    }

    /** BUILD sets state on the object just made; only razorvine's ClassDicts keep it, tensors and dicts need none. */
    @SuppressWarnings("unchecked")
    private static void build(Object state, Object target) {
        if (target instanceof ClassDict dict && state instanceof HashMap<?, ?> map) {
            dict.__setstate__((HashMap<String, Object>) map);
        }
        // e.g. an OrderedDict from state_dict() carries "_metadata" (module versions): not needed here.
    }

    private Object global(String module, String name) {
        String qualified = module + "." + name;
        switch (qualified) {
            case "collections.OrderedDict":
                return (IObjectConstructor) args -> new LinkedHashMap<>();
            case "torch._utils._rebuild_tensor_v2":
                return (IObjectConstructor) this::rebuildTensor;
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                // (data, requires_grad, backward_hooks[, state]): a Parameter is its data here.
                return (IObjectConstructor) args -> args[0];
            case "torch._tensor._rebuild_from_type_v2":
                // (func, type, args, state): a Tensor subclass or a tensor with Python attributes; keep the tensor.
                return (IObjectConstructor) args -> ((IObjectConstructor) args[0]).construct((Object[]) args[2]);
            default:
                break;
        }
        if (module.equals("torch") && name.endsWith("Storage")) return new StorageType(name, STORAGE_DTYPES.get(name));
        if (module.equals("torch._utils") && name.startsWith("_rebuild_")) {
            // Quantized, sparse, meta tensors and the like: say so when they are built, not a vague pickle error.
            return (IObjectConstructor) args -> {
                throw InputError.at(file, 0, "holds a tensor made by " + qualified + ", which lora cannot read"
                        + " (only dense tensors); save a plain state_dict of float tensors instead");
            };
        }
        IObjectConstructor known = objectConstructors.get(qualified);
        return known != null ? known : new PythonGlobal(module, name);
    }

    /**
     * Any other class or function the pickle names (torch.device, numpy scalars, argparse.Namespace...).
     * Left uncalled it stands in the tree as itself (e.g. a torch.float16 dtype); called without arguments
     * it becomes a razorvine ClassDict that BUILD fills with the object's attributes; otherwise a
     * {@link PythonObject}.
     */
    record PythonGlobal(String module, String name) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            return args.length == 0 ? new ClassDict(module, name) : new PythonObject(toString(), Arrays.asList(args));
        }

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** Persistent id ('storage', storage type, key, location, numel): the storage in entry data/key. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] id) || id.length < 5 || !"storage".equals(id[0])
                || !(id[1] instanceof StorageType type) || !(id[4] instanceof Number numel)) {
            throw InputError.at(file, 0, folder + "data.pkl refers to an unknown kind of persistent object "
                    + brief(pid, 2));
        }
        String key = id[2] instanceof String || id[2] instanceof Number ? String.valueOf(id[2]) : brief(id[2], 1);
        return storages.computeIfAbsent(key, k -> readStorage(k, type, numel.longValue()));
    }

    private Storage readStorage(String key, StorageType type, long numel) {
        if (type.dtype() == null) return new Storage(key, type, numel, null);
        String entryName = folder + "data/" + key;
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw InputError.at(file, 0, "entry " + entryName + " is missing: the checkpoint is incomplete; save it again");
        }
        long needed = numel * type.dtype().bytes;
        if (numel < 0 || needed > Integer.MAX_VALUE - 8) {
            throw InputError.at(file, 0, "entry " + entryName + " holds " + needed + " bytes, more than lora can read"
                    + " into one array; save the checkpoint as safetensors instead");
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes((int) needed);
        } catch (IOException e) {
            throw InputError.at(file, 0, "entry " + entryName + " cannot be read (" + IoErrors.reason(e)
                    + "): the file is corrupted; save or download it again");
        }
        if (bytes.length < needed) {
            throw InputError.at(file, 0, "entry " + entryName + " has " + bytes.length + " bytes but its "
                    + type.name() + " of " + numel + " elements needs " + needed + ": the file is corrupted");
        }
        return new Storage(key, type, numel, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private Object rebuildTensor(Object[] args) {
        if (args.length < 4 || !(args[0] instanceof Storage storage) || !(args[1] instanceof Number offsetArg)
                || !(args[2] instanceof Object[] sizeArg) || !(args[3] instanceof Object[] strideArg)
                || sizeArg.length != strideArg.length) {
            throw InputError.at(file, 0, folder + "data.pkl has a malformed tensor record " + brief(args, 2));
        }
        long[] shape = longs(sizeArg);
        long[] stride = longs(strideArg);
        long offset = offsetArg.longValue();
        DType dtype = storage.type().dtype();
        // Shape and bounds are checked before anything is allocated: the record's numbers may be damaged.
        long numel = 1, last = offset;
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0) throw new ArithmeticException("negative dimension");
                numel = Math.multiplyExact(numel, shape[d]);
                if (shape[d] > 0) last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
            }
        } catch (ArithmeticException e) {
            throw InputError.at(file, 0, "a tensor of " + storage.type().name() + " " + folder + "data/" + storage.key()
                    + " has the impossible shape " + Arrays.toString(shape) + " (strides " + Arrays.toString(stride)
                    + "): the checkpoint is corrupted");
        }
        if (dtype == null) return new UnsupportedTensor("", storage.type().name(), shape);
        if (numel == 0) return new Tensor("", dtype, shape, new float[0]);
        if (offset < 0 || last >= storage.numel() || Arrays.stream(stride).anyMatch(s -> s < 0)) {
            throw InputError.at(file, 0, "a tensor " + Arrays.toString(shape) + " (offset " + offset + ", strides "
                    + Arrays.toString(stride) + ") reaches outside its storage " + folder + "data/" + storage.key()
                    + " of " + storage.numel() + " elements: the checkpoint is corrupted");
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw InputError.at(file, 0, "a tensor " + Arrays.toString(shape) + " has " + numel + " elements, more than"
                    + " lora can hold in one array; save the checkpoint as safetensors instead");
        }
        float[] values = new float[(int) numel];
        if (isRowMajor(shape, stride)) {
            ElementCodec.decode(storage.bytes(), dtype, offset, values);
        } else {
            gather(storage.bytes(), dtype, offset, shape, stride, values);
        }
        return new Tensor("", dtype, shape, values);
    }

    /**
     * A short description of an unpickled value for a message. Not toString: a damaged pickle can make
     * containers that hold themselves through others, whose toString never ends, or huge ones.
     */
    static String brief(Object o, int depth) {
        if (o == null) return "None";
        if (o instanceof String str) return "'" + (str.length() > 40 ? str.substring(0, 40) + "..." : str) + "'";
        if (o instanceof Number || o instanceof Boolean || o instanceof StorageType || o instanceof PythonGlobal) {
            return String.valueOf(o);
        }
        if (o instanceof Storage st) return "storage " + st.key();
        if (o instanceof Object[] || o instanceof List) {
            List<?> items = o instanceof Object[] a ? Arrays.asList(a) : (List<?>) o;
            if (depth <= 0) return (o instanceof Object[] ? "tuple" : "list") + " of " + items.size();
            StringBuilder b = new StringBuilder(o instanceof Object[] ? "(" : "[");
            for (int i = 0; i < Math.min(items.size(), 8); i++) b.append(i > 0 ? ", " : "").append(brief(items.get(i), depth - 1));
            return b.append(items.size() > 8 ? ", ..." : "").append(o instanceof Object[] ? ")" : "]").toString();
        }
        if (o instanceof Map<?, ?> m) return "dict of " + m.size();
        if (o instanceof Set<?> set) return "set of " + set.size();
        return o.getClass().getSimpleName();
    }

    private static long[] longs(Object[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) out[i] = ((Number) values[i]).longValue();
        return out;
    }

    /** True when the strides are those of a contiguous row-major tensor (size-1 dimensions may have any stride). */
    private static boolean isRowMajor(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /** Copies a strided view (transposed, sliced, expanded) into row-major order. */
    private static void gather(ByteBuffer bytes, DType dtype, long offset, long[] shape, long[] stride, float[] out) {
        int rank = shape.length;
        long[] index = new long[rank];
        long position = offset;
        for (int i = 0; i < out.length; i++) {
            out[i] = ElementCodec.get(bytes, dtype, position);
            // Odometer step: bump the last dimension, carrying into earlier ones.
            for (int d = rank - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    position += stride[d];
                    break;
                }
                position -= (shape[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
    }
}
