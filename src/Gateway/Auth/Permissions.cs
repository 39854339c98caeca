namespace ObjectStore.Gateway.Auth;

/// <summary>The object permissions a token can grant (<c>object.read</c>, <c>object.write</c>, <c>object.delete</c>).</summary>
[Flags]
internal enum Permissions
{
    None = 0,
    Read = 1,
    Write = 2,
    Delete = 4,
    All = Read | Write | Delete,
}

/// <summary>The wire names of <see cref="Permissions"/>, as used in JWT claims and <c>max_permissions</c>.</summary>
internal static class PermissionNames
{
    public const string Read = "object.read";
    public const string Write = "object.write";
    public const string Delete = "object.delete";

    /// <summary>Maps one wire name to its flag; false for anything else (names are case-sensitive).</summary>
    public static bool TryParse(string? name, out Permissions permission)
    {
        permission = name switch
        {
            Read => Permissions.Read,
            Write => Permissions.Write,
            Delete => Permissions.Delete,
            _ => Permissions.None,
        };
        return permission != Permissions.None;
    }

    /// <summary>The wire name of a single permission flag.</summary>
    public static string Format(Permissions permission) => permission switch
    {
        Permissions.Read => Read,
        Permissions.Write => Write,
        Permissions.Delete => Delete,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, "expected a single permission"),
    };
}
