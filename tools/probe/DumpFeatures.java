import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.llava4j.config.ConfigReader;
import io.github.llava4j.finetune.train.TrainableModel;
import io.github.llava4j.image.ImagePreprocessor;
import io.github.llava4j.image.PixelValues;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * Writes the vision features LLaVA reads ([P, D] per image: the selected layer, CLS dropped) of the first N images of
 * a folder, sorted by name, as (modified-UTF-8 file name, int count, big-endian floats) records.
 *
 * <p>Usage: java DumpFeatures MODEL_DIR IMAGE_DIR N OUT_FILE (see probe.sh)
 */
public class DumpFeatures {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path images = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> listing = Files.list(images)) {
            listing.sorted().limit(n).forEach(files::add);
        }
        try (TrainableModel m = TrainableModel.load(model, name -> OptionalDouble.empty(), Device.cpu());
                DataOutputStream os = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(out)))) {
            ImagePreprocessor preprocessor = new ImagePreprocessor(
                    ConfigReader.readPreprocessorConfig(model, m.model().config().vision().imageSize()));
            for (Path file : files) {
                try (NDManager scratch = m.model().weightsManager().newSubManager()) {
                    PixelValues p = preprocessor.preprocess(file);
                    NDArray pixels = scratch.create(p.chw(), new Shape(1, p.channels(), p.height(), p.width()));
                    float[] features = m.visionFeatures(pixels, scratch).toFloatArray(); // [1, P, D]
                    os.writeUTF(file.getFileName().toString());
                    os.writeInt(features.length);
                    for (float v : features) {
                        os.writeFloat(v);
                    }
                }
            }
        }
    }
}
