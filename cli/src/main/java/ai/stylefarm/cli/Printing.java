package ai.stylefarm.cli;

import ai.stylefarm.modelkit.bundle.ModelBundle;
import ai.stylefarm.modelkit.bundle.ModelManifest;

final class Printing {
    private Printing() {}

    static void bundleSummary(ModelBundle bundle) {
        ModelManifest m = bundle.manifest();
        System.out.printf("bundle %s: %s, %dx%d, %d channel(s), z_dim %d, w_dim %d, c_dim %d, num_ws %d%n",
                bundle.dir(), m.name(), m.resolution(), m.resolution(), m.imgChannels(), m.zDim(), m.wDim(), m.cDim(),
                m.numWs());
        System.out.printf("  from %s (%s, sha256 %s)%n", m.provenance().source(), m.provenance().format(),
                m.provenance().sha256());
    }
}
