package org.zfleet.zfs;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Parses what the OpenZFS commands around transfers print: {@code send -nP} sizes, {@code send
 * -nvt} resume token contents, {@code destroy -pv} lists.
 */
final class TransferOutputParser {

  private TransferOutputParser() {}

  /**
   * The stream size of {@code zfs send -nP}: its {@code size<TAB>N} line ("full"/"incremental"
   * lines before it name the parts).
   */
  static long parseSendSize(String output) {
    for (String line : output.split("\n")) {
      String[] f = line.strip().split("\t");
      if (f.length == 2 && f[0].equals("size")) {
        try {
          return Long.parseLong(f[1].strip());
        } catch (NumberFormatException e) {
          throw unparsable("size \"" + f[1] + "\" is not a number", line);
        }
      }
    }
    throw unparsable("no size line in the output of zfs send -nP", output.strip());
  }

  /**
   * The contents of a resume token as {@code zfs send -nvt TOKEN} prints them (nvlist_print: a
   * {@code key = value} line per entry, numbers in hex), into {@code token}'s record. Fields it
   * does not print stay unknown.
   */
  static ResumeToken parseResumeToken(String token, String output) {
    Map<String, String> fields = new HashMap<>();
    for (String line : output.split("\n")) {
      int eq = line.indexOf(" = ");
      if (eq > 0) {
        fields.put(line.substring(0, eq).strip(), line.substring(eq + 3).strip());
      }
    }
    OptionalLong from = number(fields.get("fromguid"));
    return new ResumeToken(
        token,
        number(fields.get("toguid")),
        Optional.ofNullable(fields.get("toname")).filter(n -> !n.isEmpty()),
        from.isPresent() && from.getAsLong() == 0 ? OptionalLong.empty() : from,
        number(fields.get("bytes")).orElse(0));
  }

  /**
   * The snapshots {@code zfs destroy -pv fs@a,b,...} destroyed: its {@code destroy<TAB>fs@a} lines,
   * as short names.
   */
  static Set<String> parseDestroyed(String output) {
    Set<String> out = new LinkedHashSet<>();
    for (String line : output.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 2 && f[0].equals("destroy")) {
        int at = f[1].indexOf('@');
        if (at > 0) {
          out.add(f[1].substring(at + 1));
        }
      }
    }
    return out;
  }

  private static OptionalLong number(String text) {
    if (text == null || text.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      return text.startsWith("0x")
          ? OptionalLong.of(Long.parseUnsignedLong(text.substring(2), 16))
          : OptionalLong.of(Long.parseUnsignedLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static ZfsException unparsable(String problem, String line) {
    return new ZfsException.Failed(
        "unexpected zfs output: " + problem + ": \"" + line + "\"", List.of(), "");
  }
}
