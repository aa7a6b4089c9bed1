package verba.tensor;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Vector kernels against the scalar reference, at every vector width, every weight dtype and odd sizes. */
class OpsParityTest {

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void vectorKernelsEqualScalarReference(int bits) throws Exception {
        Map<String, float[][]> results = probeAt(bits);
        assertEquals(bits, (int) results.get("width")[0][0], "kernels ran at the forced width");
        int cases = 0;
        for (Map.Entry<String, float[][]> e : results.entrySet()) {
            if (e.getKey().equals("width")) continue;
            float[] actual = e.getValue()[0], expected = e.getValue()[1];
            float scale = 1f;
            for (float v : expected) scale = Math.max(scale, Math.abs(v));
            // float accumulation order differs (lanes, fma): allow a few ulps of the largest magnitude per 1000 terms
            float tolerance = 2e-5f * scale;
            assertEquals(expected.length, actual.length, e.getKey());
            for (int i = 0; i < expected.length; i++) {
                float diff = Math.abs(actual[i] - expected[i]);
                assertTrue(diff <= tolerance, () -> e.getKey() + " at width " + bits + ": vector differs by " + diff);
            }
            cases++;
        }
        assertTrue(cases > 100, "all cases ran");
    }

    /** Loads verba.tensor afresh with {@code -Dverba.vectorBitSize=bits}, runs {@link ParityProbe} there. */
    @SuppressWarnings("unchecked")
    private static Map<String, float[][]> probeAt(int bits) throws Exception {
        URL main = Ops.class.getProtectionDomain().getCodeSource().getLocation();
        URL test = ParityProbe.class.getProtectionDomain().getCodeSource().getLocation();
        String previous = System.getProperty("verba.vectorBitSize");
        System.setProperty("verba.vectorBitSize", Integer.toString(bits));
        try (URLClassLoader loader = new ChildFirst(new URL[]{main, test}, OpsParityTest.class.getClassLoader())) {
            Class<?> probe = loader.loadClass(ParityProbe.class.getName());
            return (Map<String, float[][]>) probe.getMethod("run").invoke(null);
        } finally {
            if (previous == null) System.clearProperty("verba.vectorBitSize");
            else System.setProperty("verba.vectorBitSize", previous);
        }
    }

    /** Defines verba.tensor classes itself (fresh statics), delegates everything else. */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("verba.tensor.")) return super.loadClass(name, resolve);
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) c = findClass(name);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }

}
