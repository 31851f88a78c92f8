package org.sealpost.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The media service: its own HTTP listener for client-encrypted blobs (uploads with TUS 1.0,
 * downloads by id), where the blobs live and how long.
 *
 * @param host address the media listener binds to
 * @param port the media listener (separate from gateway.httpPort, so it can sit behind a CDN or
 *     its own host name); 0 picks a free port
 * @param instances MediaVerticle instances sharing the port; 0 means one per core
 * @param dir blob directory; empty means {@code <node.dataDir>/media}. Nodes of a cluster share
 *     one directory (a shared file system) so any node serves any blob and resumes any upload
 * @param publicUrl base URL clients use for media (e.g. {@code https://media.example.com});
 *     empty means the host of the API URL at {@code port}
 * @param maxBlobBytes largest blob (ciphertext) accepted
 * @param ttl a blob is deleted this long after its upload completed
 * @param uploadTtl an upload not completed this long after it was created is deleted
 * @param sweepInterval how often expired blobs and abandoned uploads are deleted
 * @param maxConnectionsPerIp connections to the media listener from one IP address; more are
 *     closed as they come; 0 = no cap
 */
public record MediaConfig(
    String host,
    int port,
    int instances,
    String dir,
    String publicUrl,
    long maxBlobBytes,
    Duration ttl,
    Duration uploadTtl,
    Duration sweepInterval,
    int maxConnectionsPerIp) {

  public MediaConfig {
    SealpostConfig.check(host != null && !host.isBlank(), "media.host must not be empty");
    SealpostConfig.check(port >= 0 && port <= 65535, "media.port must be 0..65535");
    SealpostConfig.check(instances >= 0, "media.instances must be >= 0");
    dir = dir == null ? "" : dir;
    publicUrl = publicUrl == null ? "" : publicUrl;
    SealpostConfig.check(publicUrl.isEmpty() || publicUrl.startsWith("http://") || publicUrl.startsWith("https://"),
        "media.publicUrl must be empty or an http(s) URL");
    SealpostConfig.check(maxBlobBytes > 0, "media.maxBlobBytes must be > 0");
    SealpostConfig.check(ttl != null && ttl.toMillis() > 0, "media.ttl must be > 0");
    SealpostConfig.check(uploadTtl != null && uploadTtl.toMillis() > 0, "media.uploadTtl must be > 0");
    SealpostConfig.check(sweepInterval != null && sweepInterval.toMillis() > 0, "media.sweepInterval must be > 0");
    SealpostConfig.check(maxConnectionsPerIp >= 0, "media.maxConnectionsPerIp must be >= 0 (0 = no limit)");
  }

  public static MediaConfig defaults() {
    return new MediaConfig("127.0.0.1", 8081, 0, "", "", 100L * 1024 * 1024, Duration.ofDays(30),
        Duration.ofDays(1), Duration.ofHours(1), 64);
  }

  /** Instances to deploy: the configured count, or one per core. */
  public int effectiveInstances() {
    return instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /** The blob directory, resolved against the node's data directory when not set. */
  public Path directory(NodeConfig node) {
    return dir.isEmpty() ? Path.of(node.dataDir(), "media") : Path.of(dir);
  }

  public MediaConfig withPort(int value) {
    return new MediaConfig(host, value, instances, dir, publicUrl, maxBlobBytes, ttl, uploadTtl, sweepInterval, maxConnectionsPerIp);
  }

  public MediaConfig withPublicUrl(String value) {
    return new MediaConfig(host, port, instances, dir, value, maxBlobBytes, ttl, uploadTtl, sweepInterval, maxConnectionsPerIp);
  }

  public MediaConfig withMaxBlobBytes(long value) {
    return new MediaConfig(host, port, instances, dir, publicUrl, value, ttl, uploadTtl, sweepInterval, maxConnectionsPerIp);
  }

  public MediaConfig withRetention(Duration blobTtl, Duration uploads, Duration sweep) {
    return new MediaConfig(host, port, instances, dir, publicUrl, maxBlobBytes, blobTtl, uploads, sweep, maxConnectionsPerIp);
  }

  public MediaConfig withMaxConnectionsPerIp(int value) {
    return new MediaConfig(host, port, instances, dir, publicUrl, maxBlobBytes, ttl, uploadTtl, sweepInterval, value);
  }
}
