package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * A pickle reader that constructs nothing but the data types named in its allow-list. Python's pickle is a
 * program: GLOBAL names a callable and REDUCE calls it. Here every GLOBAL is looked up in {@code globals}; a name
 * outside it ends the read with an error that names it, before anything that follows could be reached. Opcodes
 * that instantiate by name without GLOBAL (INST, OBJ, EXT*) are refused outright.
 */
final class RestrictedUnpickler extends Unpickler {
    /** No item of a generator's pickle comes near this (its largest are single weight tensors). */
    private static final long MAX_ITEM_BYTES = 1L << 30;

    private final String what;
    private final Map<String, IObjectConstructor> globals;
    private final Function<Object, Object> persistentLoader;

    /**
     * @param what             the file being read, for messages
     * @param globals          "module.name" → constructor, the only callables the stream may use
     * @param persistentLoader resolves persistent ids (torch storages); null when the format has none
     */
    RestrictedUnpickler(String what, Map<String, IObjectConstructor> globals, Function<Object, Object> persistentLoader) {
        this.what = what;
        this.globals = globals;
        this.persistentLoader = persistentLoader;
    }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(resolve(String.valueOf(module), String.valueOf(name)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                Object target = stack.peek();
                if (!(target instanceof Buildable b)) {
                    throw new ModelImportException(what + ": pickle sets state on an unsupported object ("
                            + (target == null ? "None" : target.getClass().getSimpleName()) + ")");
                }
                b.setState(state);
                return NO_RETURN_VALUE;
            }
            // Length-prefixed items: the pickle library allocates the declared length before reading a byte, so a
            // few-byte file declaring 2 GB would exhaust the heap. Read what is there, and call a shortfall truncation.
            case Opcodes.BINBYTES -> {
                stack.add(sized(PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4))));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                stack.add(sized(PickleUtils.bytes_to_long(PickleUtils.readbytes(input, 8), 0)));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINUNICODE -> {
                stack.add(new String(sized(PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4))),
                        StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINUNICODE8 -> {
                stack.add(new String(sized(PickleUtils.bytes_to_long(PickleUtils.readbytes(input, 8), 0)),
                        StandardCharsets.UTF_8));
                return NO_RETURN_VALUE;
            }
            case Opcodes.BINSTRING -> {
                stack.add(PickleUtils.rawStringFromBytes(sized(PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4)))));
                return NO_RETURN_VALUE;
            }
            case Opcodes.LONG4 -> {
                stack.add(PickleUtils.decode_long(sized(PickleUtils.bytes_to_integer(PickleUtils.readbytes(input, 4)))));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
                    throw new ModelImportException(what + ": refusing pickle opcode " + (char) key
                            + ", which constructs objects by name outside the allow-list");
            default -> {
                return super.dispatch(key);
            }
        }
    }

    /** The next {@code length} bytes, allocated as they arrive: memory follows the file, not what it claims. */
    private byte[] sized(long length) throws IOException {
        if (length < 0 || length > MAX_ITEM_BYTES) {
            throw new ModelImportException(what + ": corrupt pickle data: an item claims " + length + " bytes");
        }
        byte[] bytes = input.readNBytes((int) length);
        if (bytes.length < length) {
            throw new EOFException("expected more bytes: " + length + " declared, " + bytes.length + " there");
        }
        return bytes;
    }

    private IObjectConstructor resolve(String module, String name) {
        String qualified = module + "." + name;
        IObjectConstructor c = globals.get(qualified);
        if (c == null) {
            throw new RefusedGlobalException(what, qualified);
        }
        return c;
    }

    @Override
    protected Object persistentLoad(Object pid) {
        if (persistentLoader == null) {
            throw new ModelImportException(what + ": unexpected persistent id in pickle: " + pid);
        }
        return persistentLoader.apply(pid);
    }

    /** An object whose pickled state arrives through BUILD (Python's {@code __setstate__}). */
    interface Buildable {
        void setState(Object state);
    }

    /** The stream named a callable outside the allow-list. */
    static final class RefusedGlobalException extends ModelImportException {
        final String global;

        RefusedGlobalException(String what, String global) {
            super(what + ": refusing to load: the pickle references '" + global + "', which is not one of the known "
                    + "tensor and network classes. Model files are read as data and no pickled code is ever run; "
                    + "supported are NVIDIA network pickles (stylegan2-ada-pytorch, stylegan3 StyleGAN2) and "
                    + "rosinality .pt checkpoints.");
            this.global = global;
        }
    }
}
