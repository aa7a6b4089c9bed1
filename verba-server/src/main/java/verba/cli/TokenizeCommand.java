package verba.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import verba.text.SentencePiece;

/** {@code verba dev tokenize --tokenizer FILE TEXT...}: one JSON object {@code {"text","ids","pieces"}} per text. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Encode texts with a SentencePiece model; prints one JSON object {text, ids, pieces} per line.")
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "a SentencePiece .model file")
    Path tokenizer;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "the texts to encode")
    List<String> texts;

    @Override
    public Integer call() {
        SentencePiece sp;
        try {
            sp = SentencePiece.load(tokenizer);
        } catch (IOException e) {
            spec.commandLine().getErr().println("verba: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
        ObjectMapper json = new ObjectMapper();
        PrintWriter out = spec.commandLine().getOut();
        for (String text : texts) {
            SentencePiece.Encoding encoding = sp.encodeWithPieces(text);
            ObjectNode line = json.createObjectNode();
            line.put("text", text);
            var ids = line.putArray("ids");
            for (int id : encoding.ids()) ids.add(id);
            var pieces = line.putArray("pieces");
            encoding.pieces().forEach(pieces::add);
            out.println(line);
        }
        out.flush();
        return 0;
    }
}
