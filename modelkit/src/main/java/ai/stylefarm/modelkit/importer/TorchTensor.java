package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import ai.stylefarm.modelkit.stylegan.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A view into a {@link TorchStorage}, as {@code torch._utils._rebuild_tensor_v2} describes it. */
record TorchTensor(TorchStorage storage, long offset, int[] shape, long[] stride) {

    /** The values as a dense float32 tensor in row-major order, whatever the stored dtype and strides. */
    Tensor toFloat32(String name) {
        long n = Tensor.numel(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new ModelImportException(name + ": tensor of " + n + " elements is too large");
        }
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            last += (long) (shape[d] - 1) * stride[d];
        }
        if (n > 0 && (offset < 0 || last >= storage.numel())) {
            throw new ModelImportException(name + ": tensor " + Arrays.toString(shape) + " reaches element " + last
                    + " of a storage of " + storage.numel());
        }
        ByteBuffer buf = storage.data(name);
        float[] out = new float[(int) n];
        int[] index = new int[shape.length];
        for (int i = 0; i < out.length; i++) {
            long at = offset;
            for (int d = 0; d < shape.length; d++) {
                at += index[d] * stride[d];
            }
            out[i] = storage.get(buf, at);
            for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) {
                index[d] = 0;
            }
        }
        return new Tensor(shape.clone(), out);
    }
}
