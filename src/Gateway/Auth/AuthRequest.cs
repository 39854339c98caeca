using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// The parts of a request authentication reads: method, the raw path and raw query exactly as on the
/// wire (pre-signed signatures cover them), and the two token headers.
/// </summary>
internal readonly record struct AuthRequest(string Method, string RawPath, string RawQuery, string? XOsAuth, string? Authorization)
{
    /// <summary>Header checked first for a bearer token.</summary>
    public const string XOsAuthHeader = "x-os-auth";

    /// <summary>Takes the raw target from <see cref="IHttpRequestFeature.RawTarget"/>, not the decoded path.</summary>
    public static AuthRequest From(HttpContext context)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget)) rawTarget = request.PathBase + request.Path + request.QueryString;
        var q = rawTarget.IndexOf('?');
        var path = q < 0 ? rawTarget : rawTarget[..q];
        var query = q < 0 ? "" : rawTarget[(q + 1)..];
        return new AuthRequest(
            request.Method,
            path,
            query,
            request.Headers.TryGetValue(XOsAuthHeader, out var x) ? x.ToString() : null,
            request.Headers.TryGetValue("Authorization", out var a) ? a.ToString() : null);
    }
}
