package org.sealpost.cli;

import io.vertx.core.VertxException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.sealpost.client.IdentityChangedException;
import org.sealpost.client.KeyTransparencyException;
import org.sealpost.client.RequestFailedException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every client command shares: its own Vert.x for the duration of the command, output
 * through picocli's writers (so the command can be run in-process and captured), and one place
 * that turns a failure into a short message and exit code 1.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public final Integer call() throws Exception {
    QuietLogs quiet = QuietLogs.apply();
    try (ClientRuntime runtime = new ClientRuntime()) {
      return run(runtime);
    } catch (IdentityChangedException e) {
      err().println("sealpost: the safety number with " + e.number() + " changed. Compare it with "
          + "`sealpost safety-number`, then accept it with `sealpost trust --with " + e.number() + "`.");
    } catch (KeyTransparencyException e) {
      err().println("sealpost: the server's key log does not back it: " + e.getMessage());
    } catch (RequestFailedException e) {
      err().println("sealpost: the server refused: " + e.status() + " " + e.error().getCode() + " "
          + e.error().getMessage());
    } catch (IllegalStateException | IllegalArgumentException | TimeoutException e) {
      err().println("sealpost: " + e.getMessage());
    } catch (IOException | VertxException e) {
      err().println("sealpost: cannot reach the server: " + e.getMessage());
    } finally {
      quiet.close();
      out().flush();
      err().flush();
    }
    return 1;
  }

  /** The command's work; returns the exit code. */
  abstract int run(ClientRuntime runtime) throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
