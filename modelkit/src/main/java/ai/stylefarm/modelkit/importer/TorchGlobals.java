package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.importer.PyValues.NumpyDtype;
import ai.stylefarm.modelkit.importer.PyValues.PyDict;
import ai.stylefarm.modelkit.importer.PyValues.PyObject;
import ai.stylefarm.modelkit.importer.PyValues.StorageType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The allow-lists of pickle globals, each implemented here as data construction. Nothing in them can reach a
 * Python callable: a name that is not here is refused by {@link RestrictedUnpickler}.
 */
final class TorchGlobals {
    private static final List<String> STORAGE_CLASSES = List.of("FloatStorage", "HalfStorage", "BFloat16Storage",
            "DoubleStorage", "LongStorage", "IntStorage", "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage");

    private TorchGlobals() {}

    /** Tensors, state dicts and the torch storage classes: what torch.save writes for a state dict. */
    static Map<String, IObjectConstructor> tensors() {
        Map<String, IObjectConstructor> g = new HashMap<>();
        g.put("collections.OrderedDict", args -> new PyDict());
        g.put("torch._utils._rebuild_tensor_v2", TorchGlobals::rebuildTensor);
        g.put("torch._utils._rebuild_tensor", TorchGlobals::rebuildTensor);
        g.put("torch._utils._rebuild_parameter", args -> args[0]);
        g.put("torch._utils._rebuild_parameter_with_state", args -> args[0]);
        g.put("_codecs.encode", args -> ((String) args[0]).getBytes(StandardCharsets.ISO_8859_1));
        for (String s : STORAGE_CLASSES) {
            g.put("torch." + s, new StorageType(TorchStorage.dtypeOf(s)));
        }
        return g;
    }

    /** A whole NVIDIA training snapshot: persistent network objects, EasyDicts, NumPy scalars, legacy storages. */
    static Map<String, IObjectConstructor> nvidiaSnapshot(String what) {
        Map<String, IObjectConstructor> g = tensors();
        g.put("torch_utils.persistence._reconstruct_persistent_obj", TorchGlobals::persistentObject);
        g.put("dnnlib.util.EasyDict", args -> new PyDict());
        g.put("numpy.dtype", args -> new NumpyDtype(String.valueOf(args[0])));
        IObjectConstructor scalar = args -> ((NumpyDtype) args[0]).scalar((byte[]) args[1]);
        g.put("numpy.core.multiarray.scalar", scalar);
        g.put("numpy._core.multiarray.scalar", scalar);
        g.put("torch.storage._load_from_bytes", args -> LegacyTorchFormat.readStorage((byte[]) args[0], what));
        return g;
    }

    /** A rosinality training checkpoint, which also pickles its argparse.Namespace of options. */
    static Map<String, IObjectConstructor> rosinalityCheckpoint() {
        Map<String, IObjectConstructor> g = tensors();
        g.put("argparse.Namespace", args -> new PyObject("argparse.Namespace", ""));
        return g;
    }

    private static Object rebuildTensor(Object[] args) throws PickleException {
        if (!(args[0] instanceof TorchStorage storage)) {
            throw new PickleException("tensor without a storage");
        }
        Object[] size = (Object[]) args[2];
        Object[] stride = (Object[]) args[3];
        int[] shape = new int[size.length];
        long[] strides = new long[stride.length];
        for (int i = 0; i < size.length; i++) {
            shape[i] = PyValues.toInt(size[i], "tensor size");
            strides[i] = ((Number) stride[i]).longValue();
        }
        return new TorchTensor(storage, ((Number) args[1]).longValue(), shape, strides);
    }

    /** NVIDIA's {@code _reconstruct_persistent_obj(meta)}: the class is recorded by name; its source is never run. */
    private static Object persistentObject(Object[] args) {
        Map<?, ?> meta = (Map<?, ?>) args[0];
        Object src = meta.get("module_src");
        PyObject obj = new PyObject(String.valueOf(meta.get("class_name")), src instanceof String s ? s : "");
        obj.setState(meta.get("state"));
        return obj;
    }
}
