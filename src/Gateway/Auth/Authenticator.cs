using Microsoft.Extensions.Logging;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// Builds the request's <see cref="AuthContext"/> (api doc §9.1–§9.2, step 3 of §3.1). Inactive auth
/// allows everything; active but not enforced logs failures and lets the request through.
/// Token sources, in order: <c>os_sig</c> in the raw query → pre-signed URL; header <c>x-os-auth</c>, else
/// <c>Authorization</c>, with a case-insensitive <c>Bearer </c> prefix; only then the <c>os_auth</c> query parameter.
/// </summary>
internal sealed partial class Authenticator
{
    private const string BearerPrefix = "Bearer ";

    private readonly JwtVerifier _jwt;
    private readonly PresignedUrl _presigned;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public Authenticator(KeyDirectory keys, bool active, bool enforce, TimeProvider time, ILogger<Authenticator> logger)
    {
        _jwt = new JwtVerifier(keys);
        _presigned = new PresignedUrl(keys);
        Active = active;
        Enforce = enforce;
        _time = time;
        _logger = logger;
    }

    /// <summary>From the <c>auth</c> section and its loaded key directory.</summary>
    public Authenticator(AuthOptions options, KeyDirectory keys, TimeProvider time, ILogger<Authenticator> logger)
        : this(keys, options.Active, options.EnforceOrDefault, time, logger)
    {
    }

    /// <summary>Whether tokens are verified at all.</summary>
    public bool Active { get; }

    /// <summary>Whether failures reject the request.</summary>
    public bool Enforce { get; }

    /// <summary>Authenticates; throws <see cref="AuthException"/> only when enforcing.</summary>
    public AuthContext Authenticate(in AuthRequest request)
    {
        if (!Active) return AuthContext.Unrestricted;
        AuthContext context;
        try
        {
            context = Verify(request);
        }
        catch (AuthException e) when (!Enforce)
        {
            LogNotEnforced(_logger, e.StatusCode, e.Detail);
            return AuthContext.Unrestricted;
        }
        return Enforce ? context : context.NotEnforced(LogDenied);
    }

    private AuthContext Verify(in AuthRequest request)
    {
        var now = _time.GetUtcNow();
        if (RawQuery.HasRawKey(request.RawQuery, PresignedUrl.SignatureParameter))
            return _presigned.Verify(request.Method, request.RawPath, request.RawQuery, now);
        var token = HeaderToken(request) ?? QueryToken(request.RawQuery) ?? throw AuthException.NoToken();
        return _jwt.Verify(token, now);
    }

    /// <summary>The bearer token of <c>x-os-auth</c>, or of <c>Authorization</c> only when <c>x-os-auth</c> is absent.</summary>
    private static string? HeaderToken(in AuthRequest request)
    {
        var value = request.XOsAuth ?? request.Authorization;
        if (value is null || !value.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase)) return null;
        return value[BearerPrefix.Length..];
    }

    private static string? QueryToken(string rawQuery) =>
        rawQuery.Length == 0 ? null : RawQuery.Get(rawQuery, "os_auth", out _);

    private void LogDenied(Permissions required, string usecase, Scopes scopes) =>
        LogDeniedNotEnforced(_logger, required, usecase, scopes.ToString());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth not enforced: request would be rejected with {Status}: {Detail}")]
    private static partial void LogNotEnforced(ILogger logger, int status, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth not enforced: {Permission} on {Usecase}/{Scopes} would be denied")]
    private static partial void LogDeniedNotEnforced(ILogger logger, Permissions permission, string usecase, string scopes);
}
