namespace ObjectStore.Gateway.Auth;

/// <summary>Configuration section <c>auth</c> (api doc §9.1, §9.6).</summary>
internal sealed record AuthOptions
{
    /// <summary>
    /// <c>auth.enforce</c>. Null when not configured: enforcing then follows the secure-by-default rule
    /// (see <see cref="EnforceOrDefault"/>); an explicit value is the operator's decision.
    /// </summary>
    public bool? Enforce { get; init; }

    /// <summary><c>auth.keys</c>: key id → key files and maximum permissions.</summary>
    public IReadOnlyDictionary<string, AuthKeyOptions> Keys { get; init; } = new Dictionary<string, AuthKeyOptions>();

    /// <summary>
    /// Whether failures reject requests. Unset means "enforce when keys exist": the embedded default
    /// (loopback, no keys) then runs open, while any configured key turns enforcing on.
    /// </summary>
    public bool EnforceOrDefault => Enforce ?? Keys.Count > 0;

    /// <summary>Auth runs (verifies and logs) when enforcing or when any key is configured.</summary>
    public bool Active => EnforceOrDefault || Keys.Count > 0;
}

/// <summary>One entry of <c>auth.keys</c>: the PEM files of the key's versions and its permission ceiling.</summary>
internal sealed record AuthKeyOptions
{
    /// <summary>Ed25519 SPKI PEM public key files; several files are rotation versions, all tried.</summary>
    public IReadOnlyList<string> KeyFiles { get; init; } = [];

    /// <summary>Permissions a token signed with this key can get at most (default none).</summary>
    public IReadOnlyList<string> MaxPermissions { get; init; } = [];
}
