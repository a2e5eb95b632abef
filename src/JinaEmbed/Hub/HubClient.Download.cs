// The transfer of one blob: lock, resume the .incomplete file with an HTTP Range request, verify size and hash
// against the hub's metadata, and only then publish it under blobs/<etag> (a file that failed is never published).
using System.Security.Cryptography;
using System.Text;

namespace JinaEmbed.Hub;

public sealed partial class HubClient
{
    private const int BufferSize = 256 * 1024;

    private async Task DownloadBlobAsync(string repository, string file, HubFileMetadata metadata, TransferProgress transfer, CancellationToken cancellationToken)
    {
        var blob = Cache.BlobPath(repository, metadata.Etag);
        if (HubCache.IsUsableFile(blob))
        {
            // Another commit (or a Python tool) already fetched these exact bytes.
            transfer.Completed(file, new FileInfo(blob).Length, counted: false);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        await using var fileLock = await AcquireLockAsync(Cache.LockPath(repository, metadata.Etag), cancellationToken).ConfigureAwait(false);
        if (HubCache.IsUsableFile(blob))
        {
            transfer.Completed(file, new FileInfo(blob).Length, counted: false);
            return;
        }

        var incomplete = Cache.IncompletePath(repository, metadata.Etag);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await TransferAsync(repository, file, metadata, incomplete, transfer, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (IsRetryable(e, cancellationToken) && attempt < Options.MaxRetries)
            {
                // The bytes already written stay in the .incomplete file; the next attempt asks only for the rest.
                await Task.Delay(TimeSpan.FromMilliseconds(250 << attempt), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellationToken))
            {
                throw NetworkError($"{file} of {repository}", e);
            }
        }

        await VerifyAsync(repository, file, metadata, incomplete, cancellationToken).ConfigureAwait(false);
        HubCache.PublishBlob(incomplete, blob);
        transfer.Completed(file, metadata.Size ?? new FileInfo(blob).Length, counted: true);
    }

    private async Task TransferAsync(string repository, string file, HubFileMetadata metadata, string incomplete, TransferProgress transfer, CancellationToken cancellationToken)
    {
        var existing = File.Exists(incomplete) ? new FileInfo(incomplete).Length : 0;
        if (existing > 0 && metadata.Size is long announced && existing >= announced)
        {
            if (existing == announced)
            {
                return; // every byte arrived before; verification decides whether it is good
            }

            File.Delete(incomplete);
            existing = 0;
        }

        transfer.Started(file, existing, metadata.Size);
        using var response = await SendAsync(HttpMethod.Get, metadata.Location, $"{file} of {repository}", followRedirects: true, rangeStart: existing, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        if (status == 416)
        {
            File.Delete(incomplete);
            throw new IOException($"The server refused to resume {file} at byte {existing}; starting over.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw ErrorFor(response, repository, metadata.Commit ?? HubModelId.DefaultRevision, file);
        }

        var append = existing > 0 && status == 206;
        if (append && response.Content.Headers.ContentRange?.From != existing)
        {
            File.Delete(incomplete);
            throw new IOException($"The server resumed {file} at the wrong offset; starting over.");
        }

        if (!append)
        {
            existing = 0; // a 200 answer carries the whole file: start the temp file again
            transfer.Started(file, 0, metadata.Size);
        }

        await using var output = new FileStream(incomplete, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
        using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[BufferSize];
        while (true)
        {
            readTimeout.CancelAfter(Options.Timeout); // a stalled connection fails after Timeout and is resumed
            var read = await body.ReadAsync(buffer, readTimeout.Token).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            existing += read;
            transfer.Advanced(file, existing, metadata.Size);
        }

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (metadata.Size is long size && existing < size)
        {
            throw new IOException($"The transfer of {file} ended after {existing} of {size} bytes.");
        }
    }

    // Size, then hash: sha256 when the etag is one (LFS files), the git blob sha1 when it is that (small files).
    private async Task VerifyAsync(string repository, string file, HubFileMetadata metadata, string incomplete, CancellationToken cancellationToken)
    {
        var length = new FileInfo(incomplete).Length;
        string? problem = null;
        if (metadata.Size is long size && length != size)
        {
            problem = $"it has {length} bytes, the hub announced {size}";
        }
        else
        {
            var expected = metadata.Etag.ToLowerInvariant();
            var actual = await HashForEtagAsync(incomplete, expected.Length, length, cancellationToken).ConfigureAwait(false);
            if (actual != null && actual != expected)
            {
                problem = $"its {(expected.Length == 64 ? "sha256" : "git blob sha1")} is {actual}, the hub announced {expected}";
            }
        }

        if (problem != null)
        {
            File.Delete(incomplete);
            throw new HubException(HubErrorKind.Integrity,
                $"The download of {file} from {repository} is corrupt: {problem}. It was deleted and nothing was added to the cache. " +
                "Next: run the command again to download it afresh; if it fails again, check for a proxy or mirror (HF_ENDPOINT) that alters files.");
        }
    }

    /// <summary>The hash the hub uses as etag for a file: sha256 (64 hex) or git's sha1 of "blob {length}\0" + content (40 hex).</summary>
    internal static async Task<string?> HashForEtagAsync(string path, int etagLength, long length, CancellationToken cancellationToken)
    {
        if (etagLength != 64 && etagLength != 40)
        {
            return null; // an etag of another form (a mirror's) can only be checked by size
        }

        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        using var hash = IncrementalHash.CreateHash(etagLength == 64 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1);
        if (etagLength == 40)
        {
            hash.AppendData(Encoding.ASCII.GetBytes($"blob {length}\0"));
        }

        var buffer = new byte[BufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // The same lock file huggingface_hub takes (.locks/models--org--name/<etag>.lock); on Unix .NET holds it with flock.
    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(200, cancellationToken).ConfigureAwait(false); // another process downloads this blob
            }
        }
    }

    private static bool IsRetryable(Exception e, CancellationToken cancellationToken) =>
        IsTransient(e, cancellationToken) || e is HubException { Kind: HubErrorKind.Network };
}
