package org.percpulab.bench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code percpu-lab} in-process with captured stdout/stderr. */
record Cli(int code, String out, String err) {

  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }

  Object json() {
    return JsonParser.parse(out);
  }
}
