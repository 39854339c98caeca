using Microsoft.AspNetCore.Http;
using ObjectStore.Gateway.Auth;
using ObjectStore.Gateway.Diagnostics;
using ObjectStore.Gateway.Http;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Gateway.Endpoints;

/// <summary>One admitted <c>/v1</c> request after steps 1–4 of §3.1: routed, authenticated, path decoded, admitted.</summary>
internal sealed class ApiRequest(HttpContext http, RouteMatch route, ObjectPath path, AuthContext auth, GatewayServices services)
{
    /// <summary>The ASP.NET Core context.</summary>
    public HttpContext Http { get; } = http;

    /// <summary>The raw-target route.</summary>
    public RouteMatch Route { get; } = route;

    /// <summary>Decoded usecase, scopes and key.</summary>
    public ObjectPath Path { get; } = path;

    /// <summary>The request's grants.</summary>
    public AuthContext Auth { get; } = auth;

    /// <summary>Process-wide services.</summary>
    public GatewayServices Services { get; } = services;

    /// <summary>Cancelled when the client goes away.</summary>
    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Throws the 403 unless <paramref name="permission"/> is granted on this path.</summary>
    public void Authorize(Permissions permission) => Auth.Authorize(permission, Path.Usecase, Path.Scopes);

    /// <summary>The request body, charged to the bandwidth buckets and the request's byte metrics as it is read.</summary>
    public Stream MeteredBody() =>
        new PrefixedStream(ReadOnlyMemory<byte>.Empty, Http.Request.Body, n =>
        {
            Services.RateLimiter.RecordBytes(Path.Usecase, Path.Scopes, n);
            Http.Features.Get<RequestBytes>()?.Add(n);
        });

    /// <summary>The id of the object at the path's key.</summary>
    public ObjectId ObjectId() => ToId(Path.Key ?? throw new InvalidOperationException("collection routes have no key"));

    /// <summary>The id of <paramref name="key"/> under the path's usecase and scopes.</summary>
    public ObjectId ToId(string key)
    {
        try
        {
            return Path.ToObjectId(key);
        }
        catch (ArgumentException e)
        {
            throw new ApiException(ApiError.Text(400, "Invalid URL: " + e.Message));
        }
    }

    /// <summary>
    /// Parses the write metadata (400), then checks the usecase policy (400) and the write permission (403),
    /// in that order (§3.1 step 6).
    /// </summary>
    public ObjectMetadata ReadWriteMetadata()
    {
        if (!MetadataHeaders.TryRead(Http.Request.Headers, out var metadata, out var error)) throw new ApiException(error!);
        Services.UsecasePolicies.Check(Path.Usecase, metadata.Expiration);
        Authorize(Permissions.Write);
        return metadata;
    }
}
