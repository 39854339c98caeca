using ObjectStore.Storage.Objects;

namespace ObjectStore.Gateway.Auth;

/// <summary>
/// What the request's credentials grant (api doc §9.4): effective permissions on one usecase and a
/// resource map of scope name → value, where <c>*</c> matches any value. Built once per request by
/// <see cref="Authenticator"/>; handlers call <see cref="Authorize"/> after metadata and policy checks.
/// </summary>
internal sealed class AuthContext
{
    private const string Wildcard = "*";

    private readonly string? _usecase;
    private readonly IReadOnlyDictionary<string, string> _resources;
    private readonly Action<Permissions, string, Scopes>? _onDeniedButNotEnforced;

    private AuthContext(
        Kind kind,
        Permissions permissions,
        string? usecase,
        IReadOnlyDictionary<string, string> resources,
        Action<Permissions, string, Scopes>? onDeniedButNotEnforced = null)
    {
        ContextKind = kind;
        Permissions = permissions;
        _usecase = usecase;
        _resources = resources;
        _onDeniedButNotEnforced = onDeniedButNotEnforced;
    }

    private enum Kind
    {
        Unrestricted,
        Token,
        Presigned,
    }

    private Kind ContextKind { get; }

    /// <summary>Auth inactive: every operation allowed.</summary>
    public static AuthContext Unrestricted { get; } = new(Kind.Unrestricted, Permissions.All, null, new Dictionary<string, string>());

    /// <summary>A verified pre-signed URL: read access to exactly the signed request, whatever its path.</summary>
    public static AuthContext PresignedRead { get; } = new(Kind.Presigned, Permissions.Read, null, new Dictionary<string, string>());

    /// <summary>The effective permissions (token ∩ key ceiling).</summary>
    public Permissions Permissions { get; }

    /// <summary>True for a context that came from a verified JWT.</summary>
    public bool IsToken => ContextKind == Kind.Token;

    /// <summary>The token's <c>os:usecase</c>, null unless <see cref="IsToken"/>.</summary>
    public string? Usecase => _usecase;

    /// <summary>The token's scope resources (name → value or <c>*</c>).</summary>
    public IReadOnlyDictionary<string, string> Resources => _resources;

    /// <summary>A context from a verified JWT.</summary>
    public static AuthContext ForToken(string usecase, IReadOnlyDictionary<string, string> resources, Permissions permissions) =>
        new(Kind.Token, permissions, usecase, resources);

    /// <summary>
    /// The same grants, but denials only call <paramref name="onDenied"/> (auth active, not enforced:
    /// failures are logged and the request proceeds).
    /// </summary>
    public AuthContext NotEnforced(Action<Permissions, string, Scopes> onDenied) =>
        new(ContextKind, Permissions, _usecase, _resources, onDenied);

    /// <summary>
    /// True iff <paramref name="required"/> is granted, the usecase equals the token's exactly, and every
    /// request scope has a token resource with the same value or <c>*</c>. Extra token scopes are irrelevant.
    /// </summary>
    public bool IsAllowed(Permissions required, string usecase, Scopes scopes)
    {
        if ((Permissions & required) != required) return false;
        if (ContextKind != Kind.Token) return true;
        if (!string.Equals(_usecase, usecase, StringComparison.Ordinal)) return false;
        foreach (var scope in scopes.Items)
        {
            if (!_resources.TryGetValue(scope.Name, out var granted)) return false;
            if (granted != Wildcard && !string.Equals(granted, scope.Value, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    /// <summary>Throws 403 <c>operation not allowed</c> unless <see cref="IsAllowed"/> (or auth is not enforced).</summary>
    public void Authorize(Permissions required, string usecase, Scopes scopes)
    {
        if (IsAllowed(required, usecase, scopes)) return;
        if (_onDeniedButNotEnforced is { } onDenied)
        {
            onDenied(required, usecase, scopes);
            return;
        }
        throw AuthException.NotAllowed();
    }
}
