using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ObjectStore.Client.Batch;
using ObjectStore.Client.Http;
using ZstdSharp;

namespace ObjectStore.Client;

public sealed partial class ObjectStoreSession
{
    /// <summary>Operations per batch request, the server's limit.</summary>
    internal const int MaxBatchOperations = 1000;

    /// <summary>Largest insert payload a batch may carry (after compression), the server's limit.</summary>
    internal const int MaxBatchPayload = 1024 * 1024;

    /// <summary>Insert bytes per batch request, as the Rust client: well under the server's 1 GiB, so one request stays short.</summary>
    internal const long MaxBatchBodyBytes = 100L * 1024 * 1024;

    /// <summary>Single requests in flight for operations that cannot go in a batch, as the Rust client.</summary>
    private const int IndividualConcurrency = 5;

    /// <summary>
    /// Runs any mix of operations, as few batch requests as the server's limits allow (1000 operations, 1 MiB per insert;
    /// larger inserts go as single puts), several requests at once. Results stream back in completion order, each
    /// with its operation and index; a failed operation is a result with <see cref="BatchResult.Error"/>, never an
    /// exception that ends the sequence.
    /// </summary>
    public async IAsyncEnumerable<BatchResult> ManyAsync(IEnumerable<BatchOperation> operations,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        // Bounded: a slow consumer holds the requests back instead of buffering every payload.
        var results = Channel.CreateBounded<BatchResult>(new BoundedChannelOptions(256) { SingleReader = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => RunManyAsync(operations, results.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return result;
            await producer.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The consumer stopped early or cancelled; requests in flight were cancelled with it.
            }
        }
    }

    private async Task RunManyAsync(IEnumerable<BatchOperation> operations, ChannelWriter<BatchResult> results, CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        Exception? failure = null;
        try
        {
            using var batchSlots = new SemaphoreSlim(_transport.Options.BatchConcurrency);
            using var individualSlots = new SemaphoreSlim(IndividualConcurrency);
            var batch = new List<PreparedOperation>();
            long batchBytes = 0;
            var index = 0;
            foreach (var operation in operations)
            {
                var prepared = Prepare(index++, operation);
                if (prepared.Body is { Length: > MaxBatchPayload })
                {
                    await individualSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    running.Add(RunReleasingAsync(() => RunIndividualAsync(prepared, results, cancellationToken), individualSlots));
                    continue;
                }
                var size = prepared.Body?.Length ?? 0;
                if (batch.Count == MaxBatchOperations || (batch.Count > 0 && batchBytes + size > MaxBatchBodyBytes))
                {
                    await batchSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    var full = batch;
                    running.Add(RunReleasingAsync(() => RunBatchAsync(full, results, cancellationToken), batchSlots));
                    batch = [];
                    batchBytes = 0;
                }
                batch.Add(prepared);
                batchBytes += size;
            }
            if (batch.Count > 0)
            {
                await batchSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
                running.Add(RunReleasingAsync(() => RunBatchAsync(batch, results, cancellationToken), batchSlots));
            }
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
            // Semaphores are disposed when this method returns: every request must be done with them first.
            try
            {
                await Task.WhenAll(running).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already reported per operation, or cancelled with the rest.
            }
        }
        finally
        {
            results.TryComplete(failure);
        }
    }

    private static async Task RunReleasingAsync(Func<Task> run, SemaphoreSlim slot)
    {
        try
        {
            await run().ConfigureAwait(false);
        }
        finally
        {
            slot.Release();
        }
    }

    /// <summary>An operation with its index and, for an insert, the bytes it will send (compressed now, so the size is known).</summary>
    private sealed record PreparedOperation(int Index, BatchOperation Operation, byte[]? Body, bool Encoded);

    private PreparedOperation Prepare(int index, BatchOperation operation)
    {
        if (operation.Kind != BatchOperationKind.Insert) return new PreparedOperation(index, operation, null, false);
        var options = operation.Options;
        var compress = !options.AlreadyCompressed && (options.Compression ?? Usecase.Compression) == Compression.Zstd;
        if (!compress) return new PreparedOperation(index, operation, operation.Payload.ToArray(), options.AlreadyCompressed);
        using var compressor = new Compressor(PayloadContent.Level);
        return new PreparedOperation(index, operation, compressor.Wrap(operation.Payload.Span).ToArray(), true);
    }

    /// <summary>An insert too large for a batch, as a single put of the bytes already prepared.</summary>
    private async Task RunIndividualAsync(PreparedOperation prepared, ChannelWriter<BatchResult> results, CancellationToken cancellationToken)
    {
        BatchResult result;
        try
        {
            var options = prepared.Operation.Options with { AlreadyCompressed = prepared.Encoded, Compression = Compression.None, Progress = null };
            var key = await PutCoreAsync(PayloadSource.FromMemory(prepared.Body), options, cancellationToken).ConfigureAwait(false);
            result = new BatchResult(prepared.Index, prepared.Operation, string.IsNullOrEmpty(options.Key) ? 201 : 200, key, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = new BatchResult(prepared.Index, prepared.Operation, (e as ObjectStoreException)?.StatusCode ?? 0, prepared.Operation.Key, e);
        }
        await results.WriteAsync(result, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunBatchAsync(List<PreparedOperation> batch, ChannelWriter<BatchResult> results, CancellationToken cancellationToken)
    {
        var url = _transport.Url(ObjectPath("objects:batch", ""));
        var pending = batch.Select((p, position) => (p, position)).ToDictionary(x => x.position, x => x.p);
        // Every operation of a batch is idempotent unless an insert lets the server pick its key.
        var attempt = batch.Any(p => p.Operation.Kind == BatchOperationKind.Insert && p.Operation.Key is null) ? Attempt.Once : Attempt.Retried;
        try
        {
            using var response = await _transport.SendAsync(() =>
            {
                var request = NewAuthorizedRequest(HttpMethod.Post, url);
                request.Content = BatchRequestContent(batch);
                return request;
            }, attempt, timed: true, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var error = await Transport.ErrorAsync(response, "batch", cancellationToken).ConfigureAwait(false);
                foreach (var p in pending.Values)
                    await results.WriteAsync(new BatchResult(p.Index, p.Operation, error.StatusCode, p.Operation.Key, error), cancellationToken).ConfigureAwait(false);
                return;
            }
            var boundary = response.Content.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"')
                ?? throw new InvalidDataException("the batch response has no multipart boundary");
            await using var reader = new MultipartResponseReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), boundary);
            while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } section)
            {
                if (!int.TryParse(section.Header("x-sn-batch-operation-index"), out var offset) || !pending.Remove(offset, out var prepared))
                    throw new InvalidDataException($"the batch response has a part for an unknown operation index '{section.Header("x-sn-batch-operation-index")}'");
                await results.WriteAsync(ToResult(prepared, section), cancellationToken).ConfigureAwait(false);
            }
            var missing = new InvalidDataException("the batch response had no part for this operation");
            foreach (var p in pending.Values)
                await results.WriteAsync(new BatchResult(p.Index, p.Operation, 0, p.Operation.Key, missing), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The request failed, or the response broke off: the operations not answered yet share the failure.
            foreach (var p in pending.Values)
                await results.WriteAsync(new BatchResult(p.Index, p.Operation, (e as ObjectStoreException)?.StatusCode ?? 0, p.Operation.Key, e), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One part per operation: disposition, kind, percent-encoded key, and for inserts the metadata headers and payload.</summary>
    private MultipartContent BatchRequestContent(List<PreparedOperation> batch)
    {
        var content = new MultipartContent("form-data", "os-client-" + Guid.NewGuid().ToString("N"));
        foreach (var prepared in batch)
        {
            var operation = prepared.Operation;
            var part = new ByteArrayContent(prepared.Body ?? []);
            part.Headers.TryAddWithoutValidation("content-disposition", "form-data; name=\"part\"");
            part.Headers.TryAddWithoutValidation("x-sn-batch-operation-kind", operation.Kind.ToString().ToLowerInvariant());
            if (operation.Key is { } key) part.Headers.TryAddWithoutValidation("x-sn-batch-operation-key", PathEncoding.EncodeBatchKey(key));
            if (operation.Kind == BatchOperationKind.Insert)
                foreach (var (name, value) in MetadataHeaders.ForWrite(operation.Options, Usecase, prepared.Encoded))
                    part.Headers.TryAddWithoutValidation(name, value);
            content.Add(part);
        }
        return content;
    }

    private static BatchResult ToResult(PreparedOperation prepared, MultipartSection section)
    {
        var operation = prepared.Operation;
        var statusText = section.Header("x-sn-batch-operation-status") ?? "";
        var space = statusText.IndexOf(' ');
        if (!int.TryParse(space < 0 ? statusText : statusText[..space], out var status))
            return new BatchResult(prepared.Index, operation, 0, operation.Key, new InvalidDataException($"a batch part has an invalid status '{statusText}'"));
        var key = section.Header("x-sn-batch-operation-key") is { } encoded ? PathEncoding.DecodeBatchKey(encoded) : operation.Key;
        var readKind = operation.Kind is BatchOperationKind.Get or BatchOperationKind.Head;
        if (status == 404 && readKind) return new BatchResult(prepared.Index, operation, status, key, null);
        if (status >= 400)
        {
            var body = System.Text.Encoding.UTF8.GetString(section.Body);
            return new BatchResult(prepared.Index, operation, status, key, Transport.Error(status, body, $"batch {operation.Kind.ToString().ToLowerInvariant()} of '{key}'"));
        }
        if (!readKind) return new BatchResult(prepared.Index, operation, status, key, null);
        var decompress = operation.Kind == BatchOperationKind.Get && operation.Decompress && MetadataHeaders.IsZstd(section.Headers);
        byte[] payload = section.Body;
        if (decompress) payload = DecompressAll(section.Body);
        return new BatchResult(prepared.Index, operation, status, key, null)
        {
            Metadata = MetadataHeaders.Read(section.Headers, decompress),
            Payload = payload,
        };
    }

    /// <summary>Decompresses every frame (an object written by parts is several).</summary>
    private static byte[] DecompressAll(byte[] compressed)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using var zstd = new DecompressionStream(input);
        using var output = new MemoryStream();
        zstd.CopyTo(output);
        return output.ToArray();
    }
}
