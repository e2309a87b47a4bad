package dev.lora.io;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Downloads one file of a hub repository into the {@link HubCache} layout as huggingface_hub does:
 * GET {endpoint}/{repo}/resolve/main/{file}, blob named by X-Linked-Etag or ETag, the commit from
 * X-Repo-Commit. The body goes to blobs/&lt;etag&gt;.incomplete and is renamed only once complete (its
 * size matching Content-Length), so an interrupted download never looks like a finished one.
 */
final class HubDownloader {
    private static final int MAX_REDIRECTS = 10;
    private static final String USER_AGENT = "lora (java; +huggingface_hub-compatible cache)";

    /** A file now in the cache: its blob and the commit the hub served it from (null when not said). */
    record Downloaded(String file, Path blob, String revision) {
    }

    private final HttpClient http;
    private final URI endpoint;
    private final HubCache cache;
    private final DownloadProgress progress;

    HubDownloader(HttpClient http, URI endpoint, HubCache cache, DownloadProgress progress) {
        this.http = http;
        this.endpoint = endpoint;
        this.cache = cache;
        this.progress = progress;
    }

    static HttpClient defaultClient() {
        // Redirects are followed by hand: the first response carries the commit and etag headers.
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    URI url(String repoId, String file) {
        return URI.create(endpoint + "/" + repoId + "/resolve/main/" + file);
    }

    /** The file in the cache, or empty when the hub answers 404 (the repository has no such file). */
    Optional<Downloaded> download(String repoId, String file) {
        URI url = url(repoId, file);
        Response r = get(url);
        try {
            if (r.status == 404) return Optional.empty();
            if (r.status == 401 || r.status == 403) {
                throw new InputError("cannot download " + url + ": HTTP " + r.status + "; the model '" + repoId
                        + "' does not exist, or is private or gated (lora sends no access token)");
            }
            if (r.status / 100 != 2) {
                throw new InputError("cannot download " + url + ": HTTP " + r.status + "; try again later, or use a"
                        + " local model folder");
            }
            long expected = r.length();
            String etag = r.etag();
            String label = repoId + "/" + file;
            Path blobs = cache.blobs(repoId);
            Files.createDirectories(blobs);
            if (etag == null) return Optional.of(new Downloaded(file, receive(r, url, blobs, null, label), r.commit()));
            // Two lora runs fetching one model share the blob's .incomplete file, so they take turns;
            // the second then finds the blob complete. (huggingface_hub keeps its locks in the same place.)
            Path lockFile = cache.root().resolve(".locks").resolve(cache.repoFolder(repoId).getFileName())
                    .resolve(etag + ".lock");
            Files.createDirectories(lockFile.getParent());
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                Path blob = blobs.resolve(etag);
                if (Files.isRegularFile(blob) && (expected < 0 || Files.size(blob) == expected)) {
                    return Optional.of(new Downloaded(file, blob, r.commit()));  // already have it: skip the body
                }
                return Optional.of(new Downloaded(file, receive(r, url, blobs, etag, label), r.commit()));
            }
        } catch (IOException e) {
            throw new InputError("cannot store " + url + " in " + cache.root() + ": " + IoErrors.reason(e), e);
        } finally {
            r.close();
        }
    }

    /** Streams the body to an .incomplete file, checks its size, then renames it to the blob; {@code label} is shown. */
    private Path receive(Response r, URI url, Path blobs, String etag, String label) throws IOException {
        long expected = r.length();
        Path incomplete = blobs.resolve((etag != null ? etag : "download-" + UUID.randomUUID()) + ".incomplete");
        MessageDigest sha256 = sha256();
        boolean done = false;
        try (DownloadProgress.Tracker bar = progress.start(label, expected);
             FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buffer = new byte[1 << 16];
            long received = 0;
            for (int n; (n = read(r.body, buffer, url, received, expected)) >= 0; ) {
                out.write(ByteBuffer.wrap(buffer, 0, n));
                if (etag == null) sha256.update(buffer, 0, n);
                received += n;
                bar.stepTo(received);
            }
            if (expected >= 0 && received != expected) {
                throw interrupted(url, received, expected, "the server ended the body early");
            }
            out.force(true);
            bar.finish();
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(incomplete);
        }
        Path blob = blobs.resolve(etag != null ? etag : HexFormat.of().formatHex(sha256.digest()));
        Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        AtomicFiles.syncFolder(blobs);
        return blob;
    }

    private static int read(InputStream in, byte[] buffer, URI url, long received, long expected) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw interrupted(url, received, expected, "connection lost: " + IoErrors.reason(e));
        }
    }

    private static InputError interrupted(URI url, long received, long expected, String why) {
        return new InputError("download of " + url + " failed after " + received + (expected >= 0 ? " of " + expected : "")
                + " bytes (" + why + "); nothing incomplete was kept, run again to retry");
    }

    /** Makes snapshots/&lt;revision&gt;/&lt;file&gt; a relative symlink to the blob (a copy where links are not allowed). */
    void link(String repoId, String revision, Downloaded d) {
        Path target = cache.snapshot(repoId, revision).resolve(d.file());
        Path temp = AtomicFiles.temporarySibling(target, "link");
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.createSymbolicLink(temp, target.getParent().relativize(d.blob()));
            } catch (UnsupportedOperationException | FileSystemException e) {
                Files.copy(d.blob(), temp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.syncFolder(target.getParent());
        } catch (IOException e) {
            throw IoErrors.cannotWrite(target, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a stray hidden link, harmless
            }
        }
    }

    /** The final response of a GET (redirects followed) with the hub's headers from any hop. */
    private static final class Response implements AutoCloseable {
        final int status;
        final InputStream body;
        final HttpHeaders last;
        final String commit;
        final String linkedEtag;
        final long linkedSize;

        Response(HttpResponse<InputStream> response, String commit, String linkedEtag, long linkedSize) {
            this.status = response.statusCode();
            this.body = response.body();
            this.last = response.headers();
            this.commit = commit;
            this.linkedEtag = linkedEtag;
            this.linkedSize = linkedSize;
        }

        long length() {
            return last.firstValueAsLong("content-length").orElse(linkedSize);
        }

        /** X-Linked-Etag (the LFS sha256) or else ETag, unquoted; a header unfit for a file name is ignored. */
        String etag() {
            String raw = linkedEtag != null ? linkedEtag : last.firstValue("etag").orElse(null);
            if (raw == null) return null;
            String etag = raw.strip();
            if (etag.startsWith("W/")) etag = etag.substring(2);
            etag = etag.replace("\"", "");
            return HubCache.isSafe(etag) ? etag : null;
        }

        String commit() {
            return HubCache.isSafe(commit) ? commit : null;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing an abandoned body only frees the connection
            }
        }
    }

    private Response get(URI url) {
        String commit = null;
        String linkedEtag = null;
        long linkedSize = -1;
        URI current = url;
        try {
            for (int hop = 0; ; hop++) {
                HttpRequest request = HttpRequest.newBuilder(current)
                        .header("User-Agent", USER_AGENT)
                        .header("Accept-Encoding", "identity")
                        .timeout(Duration.ofMinutes(2))
                        .GET().build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                HttpHeaders h = response.headers();
                if (commit == null) commit = h.firstValue("x-repo-commit").orElse(null);
                if (linkedEtag == null) linkedEtag = h.firstValue("x-linked-etag").orElse(null);
                if (linkedSize < 0) linkedSize = h.firstValueAsLong("x-linked-size").orElse(-1);
                int status = response.statusCode();
                Optional<String> location = h.firstValue("location");
                if (status / 100 == 3 && location.isPresent() && hop < MAX_REDIRECTS) {
                    response.body().close();
                    current = current.resolve(location.get());
                    continue;
                }
                return new Response(response, commit, linkedEtag, linkedSize);
            }
        } catch (IOException e) {
            throw new InputError("cannot reach " + url + " (" + IoErrors.reason(e) + "); check the network, or set"
                    + " HF_HUB_OFFLINE=1 to use only models already in the cache", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InputError("interrupted while downloading " + url, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
