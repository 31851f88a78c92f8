// Media throughput through the SDK's HTTP client (org.sealpost.client.MediaClient: TUS upload
// from a file, GET to a file, both streamed through Vert.x AsyncFile), for BENCHMARKS.md.
// Run by scripts/bench-media.sh:  java -cp target/sealpost.jar scripts/MediaBench.java URL NUMBER PASSWORD FILE RUNS
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import org.sealpost.client.MediaClient;
import org.sealpost.protocol.DeviceCredentials;

public class MediaBench {
  public static void main(String[] args) throws Exception {
    URI media = URI.create(args[0]);
    DeviceCredentials device = DeviceCredentials.newBuilder().setNumber(args[1]).setDeviceId(1).setPassword(args[2]).build();
    Path file = Path.of(args[3]);
    int runs = Integer.parseInt(args[4]);
    long size = Files.size(file);
    byte[] digest = sha256(file);
    Vertx vertx = Vertx.vertx();
    MediaClient client = new MediaClient(vertx, media, device);
    try {
      for (int run = 1; run <= runs; run++) {
        long start = System.nanoTime();
        String id = client.upload(file, size, digest).toCompletionStage().toCompletableFuture().get();
        double up = mbps(size, System.nanoTime() - start);
        Path target = Files.createTempFile("media-bench", ".bin");
        Files.delete(target);
        start = System.nanoTime();
        client.download(id, target).toCompletionStage().toCompletableFuture().get();
        double down = mbps(size, System.nanoTime() - start);
        Files.delete(target);
        System.out.printf("sdk run %d: upload %.1f MB/s, download %.1f MB/s (id %s)%n", run, up, down, id);
      }
    } finally {
      client.close().toCompletionStage().toCompletableFuture().get();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static double mbps(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[1 << 20];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    }
    return sha.digest();
  }
}
