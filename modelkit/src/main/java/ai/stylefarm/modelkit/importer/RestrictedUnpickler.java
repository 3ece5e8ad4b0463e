package ai.stylefarm.modelkit.importer;

import ai.stylefarm.modelkit.ModelImportException;
import java.io.IOException;
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
            case Opcodes.INST, Opcodes.OBJ, Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4 ->
                    throw new ModelImportException(what + ": refusing pickle opcode " + (char) key
                            + ", which constructs objects by name outside the allow-list");
            default -> {
                return super.dispatch(key);
            }
        }
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
