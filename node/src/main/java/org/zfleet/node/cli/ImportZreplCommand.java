package org.zfleet.node.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.zfleet.config.ZreplConversion;
import org.zfleet.config.ZreplImport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zfleet import-zrepl FILE}: prints the zfleet configuration equivalent to a zrepl.yml, with
 * a comment for every setting that could not be carried over and why.
 */
@Command(
    name = "import-zrepl",
    description = {
      "Print the zfleet configuration (HOCON) equivalent to a zrepl.yml.",
      "Settings zfleet cannot carry over become '# import-zrepl:' comments saying why."
    })
final class ImportZreplCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE",
      description = "The zrepl configuration (zrepl.yml).")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String yaml;
    try {
      if (Files.isDirectory(file)) {
        return fail(err, "is a directory, not a zrepl configuration");
      }
      byte[] bytes = Files.readAllBytes(file);
      yaml = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (NoSuchFileException e) {
      return fail(err, "no such file");
    } catch (AccessDeniedException e) {
      return fail(err, "cannot be read (permission denied)");
    } catch (CharacterCodingException e) {
      return fail(err, "is not UTF-8 text");
    } catch (IOException e) {
      return fail(err, "cannot be read: " + ZfleetCommand.messageOf(e));
    }
    ZreplConversion conversion = ZreplImport.convert(yaml, file.toString());
    if (conversion instanceof ZreplConversion.Failed failed) {
      err.println("zfleet: " + failed.message());
      err.flush();
      return ZfleetCommand.EXIT_FAILED;
    }
    ZreplConversion.Converted converted = (ZreplConversion.Converted) conversion;
    out.print(converted.hocon());
    out.flush();
    int notes = converted.notes().size();
    if (notes > 0) {
      err.println(
          "zfleet: "
              + notes
              + " zrepl setting"
              + (notes == 1 ? " was" : "s were")
              + " not carried over; see the '# import-zrepl:' comments");
      err.flush();
    }
    return ZfleetCommand.EXIT_OK;
  }

  private int fail(PrintWriter err, String why) {
    err.println("zfleet: " + file + ": " + why);
    err.flush();
    return ZfleetCommand.EXIT_FAILED;
  }
}
