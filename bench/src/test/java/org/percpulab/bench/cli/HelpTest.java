package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HelpTest {

  /** Every subcommand registered in Main (except picocli's own 'help'). */
  static Stream<String> subcommands() {
    return Main.commandLine().getSubcommands().keySet().stream().filter(n -> !n.equals("help"));
  }

  @ParameterizedTest
  @MethodSource("subcommands")
  void everySubcommandHasTheSharedOptionsAndExitCodes(String cmd) {
    Cli r = Cli.run(cmd, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--format=text|json", "--config=FILE", "--set=KEY=VALUE",
        "--arch=ID", "--cpus=N", "--plugins-dir=DIR", "-v, --verbose", "-h, --help",
        "Exit codes:", "0   ok", "1   runtime error", "2   bad input");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "help"})
  void topLevelHelpListsCommandsAndExitCodes(String arg) {
    Cli r = Cli.run(arg);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("plugins", "config", "Exit codes:", "2   bad input");
  }
}
