using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Admission;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Batch;
using ObjectStore.Gateway.Http;
using ObjectStore.Grains.Batch;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.Objects;
using GatewayOperation = ObjectStore.Gateway.Batch.BatchOperation;
using GatewayKind = ObjectStore.Gateway.Batch.BatchOperationKind;
using GrainOperation = ObjectStore.Grains.Batch.BatchOperation;
using GrainKind = ObjectStore.Grains.Batch.BatchOperationKind;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>
/// <c>POST /v1/objects:batch/{u}/{s}/</c> (api doc §7). After the whole-request checks the answer is always 200: the
/// request parts are parsed lazily, each op passes its own pipeline (rate limit, permission, usecase policy, bandwidth
/// charge) and runs on the silo's batch gateway pool; results stream back as multipart parts in completion order.
/// </summary>
internal static class BatchEndpoints
{
    /// <summary>Runs one batch request.</summary>
    public static async Task HandleAsync(ApiRequest request)
    {
        if (!BatchRequestReader.TryGetBoundary(request.Http.Request.ContentType, out var boundary))
            throw new ApiException(BatchRequestReader.InvalidBoundary);
        var reader = new BatchRequestReader(request.Http.Request.BodyReader, boundary);
        var response = request.Http.Response;
        var writer = new BatchResponseWriter(response.BodyWriter);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = writer.ContentType;
        var pending = new ConcurrentDictionary<int, GatewayOperation>();
        var operations = reader.ReadAsync(request.Aborted);
        try
        {
            try
            {
                await foreach (var result in request.Services.Backend.RunBatchAsync(Admit(request, operations, pending), request.Aborted).ConfigureAwait(false))
                {
                    if (pending.TryRemove(result.Index, out var done)) done.Dispose();
                    await WriteResultAsync(request, writer, result).ConfigureAwait(false);
                }
            }
            catch (AtCapacityException)
            {
                // No window free: every operation is answered 429, the batch itself stays 200.
                await foreach (var operation in operations.ConfigureAwait(false))
                {
                    using (operation) await writer.WriteErrorAsync(operation.Index, ApiError.Json(429, AtCapacityException.Detail), request.Aborted).ConfigureAwait(false);
                }
            }
            await writer.CompleteAsync(request.Aborted).ConfigureAwait(false);
        }
        finally
        {
            foreach (var operation in pending.Values) operation.Dispose();
        }
    }

    /// <summary>The §7.3 per-op pipeline up to execution: ops that fail it become error items with their status.</summary>
    private static async IAsyncEnumerable<BatchItem> Admit(
        ApiRequest request, IAsyncEnumerable<GatewayOperation> operations, ConcurrentDictionary<int, GatewayOperation> pending,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var operation in operations.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var item = ToItem(request, operation);
            if (item.Operation is { Kind: GrainKind.Insert }) pending[operation.Index] = operation;
            else operation.Dispose();
            yield return item;
        }
    }

    private static BatchItem ToItem(ApiRequest request, GatewayOperation operation)
    {
        if (operation.Error is { } parseError) return BatchItem.Failed(operation.Index, parseError.Status, parseError.Detail);
        var path = request.Path;
        if (!request.Services.RateLimiter.TryAdmit(path.Usecase, path.Scopes))
            return BatchItem.Failed(operation.Index, 429, RateLimiter.RejectionText);
        try
        {
            var kind = operation.Kind!.Value;
            request.Auth.Authorize(kind switch
            {
                GatewayKind.Insert => Permissions.Write,
                GatewayKind.Delete => Permissions.Delete,
                _ => Permissions.Read,
            }, path.Usecase, path.Scopes);
            if (kind == GatewayKind.Insert)
            {
                request.Services.UsecasePolicies.Check(path.Usecase, operation.Metadata!.Expiration);
                request.Services.RateLimiter.RecordBytes(path.Usecase, path.Scopes, operation.Payload.Length);
                return GrainOperation.Insert(operation.Index, path.Usecase, path.Scopes, operation.Key, operation.Metadata, operation.Payload);
            }
            var id = new ObjectId(path.Usecase, path.Scopes, operation.Key!);
            return kind switch
            {
                GatewayKind.Get => GrainOperation.Get(operation.Index, id),
                GatewayKind.Head => GrainOperation.Head(operation.Index, id),
                _ => GrainOperation.Delete(operation.Index, id),
            };
        }
        catch (Exception e) when (e is AuthException or UsecasePolicyException or ArgumentException)
        {
            var error = e is ArgumentException ? ApiError.Json(400, "client error: " + e.Message) : ErrorMapping.ToApiError(e);
            return BatchItem.Failed(operation.Index, error.Status, error.Detail);
        }
    }

    private static async Task WriteResultAsync(ApiRequest request, BatchResponseWriter writer, BatchResult result)
    {
        var ct = request.Aborted;
        if (result.IsError)
        {
            await writer.WriteErrorAsync(result.Index, ApiError.Json(result.Status, result.ErrorMessage!), ct).ConfigureAwait(false);
            return;
        }
        var key = result.Key!;
        var kind = (GatewayKind)(int)result.Kind!.Value;
        switch (result.Status)
        {
            case 404:
                await writer.WriteNotFoundAsync(result.Index, kind, key, ct).ConfigureAwait(false);
                return;
            case 201:
                await writer.WriteInsertedAsync(result.Index, key, ct).ConfigureAwait(false);
                return;
        }
        switch (result.Kind)
        {
            case GrainKind.Delete:
                await writer.WriteDeletedAsync(result.Index, key, ct).ConfigureAwait(false);
                break;
            case GrainKind.Head:
                await writer.WriteHeadAsync(result.Index, key, result.Metadata!, ct).ConfigureAwait(false);
                break;
            case GrainKind.Get when result.Revision is { } revision:
                var stream = await request.Services.Backend.OpenRevisionAsync(revision, ct).ConfigureAwait(false);
                if (stream is null)
                {
                    await writer.WriteNotFoundAsync(result.Index, kind, key, ct).ConfigureAwait(false);
                    break;
                }
                await using (stream.ConfigureAwait(false))
                    await writer.WriteGetAsync(result.Index, key, result.Metadata!, stream, ct).ConfigureAwait(false);
                request.Services.RateLimiter.RecordBytes(request.Path.Usecase, request.Path.Scopes, result.Metadata!.Size ?? 0);
                break;
            default:
                await writer.WriteGetAsync(result.Index, key, result.Metadata!, result.Payload, ct).ConfigureAwait(false);
                request.Services.RateLimiter.RecordBytes(request.Path.Usecase, request.Path.Scopes, result.Payload.Length);
                break;
        }
    }
}
