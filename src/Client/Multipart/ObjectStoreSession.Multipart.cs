using System.Collections.Concurrent;
using ObjectStore.Client.Hosting;
using ObjectStore.Client.Http;
using ZstdSharp;

namespace ObjectStore.Client;

public sealed partial class ObjectStoreSession
{
    /// <summary>
    /// Starts a multipart upload; the options' metadata becomes the object's. Parts are stored as sent, so with
    /// <see cref="PutOptions.Compression"/> zstd (or <see cref="PutOptions.AlreadyCompressed"/>) every part must be a zstd
    /// frame; <see cref="UploadMultipartAsync"/> does that for you. Not retried: a second initiate would start a second upload.
    /// </summary>
    public async Task<MultipartUpload> InitiateMultipartAsync(PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PutOptions.Default;
        var encoded = options.AlreadyCompressed || options.Compression == Compression.Zstd;
        var headers = MetadataHeaders.ForWrite(options, Usecase, encoded);
        var keyed = !string.IsNullOrEmpty(options.Key);
        var url = _transport.Url(ObjectPath("objects:multipart", keyed ? options.Key! : ""));
        using var response = await _transport.SendAsync(() =>
        {
            var request = NewAuthorizedRequest(keyed ? HttpMethod.Put : HttpMethod.Post, url);
            request.Content = new ByteArrayContent([]);
            foreach (var (name, value) in headers) AddHeader(request, name, value);
            return request;
        }, Attempt.Once, timed: true, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await Transport.ErrorAsync(response, "multipart initiate", cancellationToken).ConfigureAwait(false);
        using var json = await System.Text.Json.JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MultipartUpload(this, json.RootElement.GetProperty("key").GetString()!, json.RootElement.GetProperty("upload_id").GetString()!);
    }

    /// <summary>Picks up an upload started earlier (by this process or another) from its key and upload id.</summary>
    public MultipartUpload ResumeMultipart(string key, string uploadId) => new(this, CheckKey(key), uploadId);

    /// <summary>
    /// Uploads a stream of any size as a multipart upload: parts of <see cref="ObjectStoreClientOptions.MultipartPartSize"/>
    /// read in turn and sent <see cref="ObjectStoreClientOptions.MultipartConcurrency"/> at a time, so memory stays at about
    /// that many parts. With zstd (the usecase default) each part is compressed as its own frame. On any failure or
    /// cancellation the upload is aborted, so no parts are left behind, and the first failure is thrown.
    /// </summary>
    public async Task<string> UploadMultipartAsync(Stream source, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= PutOptions.Default;
        var compress = !options.AlreadyCompressed && (options.Compression ?? Usecase.Compression) == Compression.Zstd;
        var upload = await InitiateMultipartAsync(options with { Compression = compress ? Compression.Zstd : Compression.None }, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = await UploadPartsAsync(upload, source, compress, options.Progress, cancellationToken).ConfigureAwait(false);
            return await upload.CompleteAsync(parts, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Best effort and not under the caller's token (it may be what failed): leave no parts behind.
            using var abortDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await upload.AbortAsync(abortDeadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or ObjectStoreException or OperationCanceledException or TimeoutException)
            {
                // The server's orphan sweep aborts uploads left unfinished; the original failure is what matters.
            }
            throw;
        }
    }

    private async Task<List<MultipartPart>> UploadPartsAsync(MultipartUpload upload, Stream source, bool compress,
        IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var partSize = _transport.Options.MultipartPartSize;
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(_transport.Options.MultipartConcurrency);
        // Buffers are this upload's own and reused part after part: at most one set per slot ever exists, so memory is
        // bounded by the configuration (a shared ArrayPool would keep returned part-sized arrays per thread and core).
        var idle = new ConcurrentBag<PartBuffers>();
        var total = source.CanSeek ? source.Length - source.Position : (long?)null;
        var parts = new List<MultipartPart>();
        var running = new List<Task>();
        Exception? firstFailure = null;
        long uploaded = 0;
        try
        {
            for (var number = 1; ; number++)
            {
                try
                {
                    await slots.WaitAsync(failed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var buffers = idle.TryTake(out var reused) ? reused : new PartBuffers(partSize, compress);
                int length;
                try
                {
                    length = await ReadFullAsync(source, buffers.Input, failed.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    idle.Add(buffers);
                    slots.Release();
                    if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested) firstFailure ??= e;
                    break;
                }
                // An empty source still needs one (empty) part; otherwise a short read means the end.
                if (length == 0 && number > 1)
                {
                    idle.Add(buffers);
                    slots.Release();
                    break;
                }
                var partNumber = number;
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        var part = await upload.PutPartAsync(partNumber, buffers.Prepare(length), failed.Token).ConfigureAwait(false);
                        lock (parts)
                        {
                            parts.Add(part);
                            uploaded += length;
                            progress?.Report(new TransferProgress(uploaded, total));
                        }
                    }
                    catch (Exception e)
                    {
                        lock (parts)
                            if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested) firstFailure ??= e;
                        await failed.CancelAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        idle.Add(buffers);
                        slots.Release();
                    }
                }, CancellationToken.None));
                if (length < partSize) break;
            }
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        finally
        {
            foreach (var buffers in idle) buffers.Dispose();
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (firstFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        return parts;
    }

    /// <summary>One upload slot's memory: a part's bytes as read and, with zstd, the frame they compress to.</summary>
    private sealed class PartBuffers(int partSize, bool compress) : IDisposable
    {
        private readonly byte[] _input = new byte[partSize];
        private readonly byte[]? _output = compress ? new byte[Compressor.GetCompressBound(partSize)] : null;
        private readonly Compressor? _compressor = compress ? new Compressor(PayloadContent.Level) : null;

        public Memory<byte> Input => _input;

        /// <summary>The bytes to send for a part of <paramref name="length"/> read bytes: as read, or one zstd frame.</summary>
        public ReadOnlyMemory<byte> Prepare(int length) =>
            _compressor is null ? _input.AsMemory(0, length) : _output.AsMemory(0, _compressor.Wrap(_input.AsSpan(0, length), _output));

        public void Dispose() => _compressor?.Dispose();
    }

    private static async Task<int> ReadFullAsync(Stream source, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await source.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
