namespace ObjectStore.Storage.Objects;

/// <summary>
/// The usecase naming rule of objectstore-types 0.3.0+ (<c>src/usecase.rs</c>): 3–64 ASCII characters from
/// <c>[A-Za-z0-9_-]</c>, any of them in any position, case-sensitive, never normalised. Checked where a usecase enters
/// from outside (the HTTP path, a grain key); <see cref="ObjectId"/> itself stays lenient so stored ids always load.
/// </summary>
public static class UsecaseName
{
    /// <summary>Shortest valid name, in characters.</summary>
    public const int MinLength = 3;

    /// <summary>Longest valid name, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>Upstream's message for a name of the wrong length.</summary>
    public const string InvalidLength = "invalid usecase name: must be 3-64 ASCII characters long";

    /// <summary>Upstream's message for a character outside the set.</summary>
    public const string InvalidChar = "invalid usecase name: expected ASCII letters, digits, '_' or '-'";

    /// <summary>Null when <paramref name="name"/> is valid, otherwise upstream's message (length first, as upstream checks).</summary>
    public static string? Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is < MinLength or > MaxLength) return InvalidLength;
        foreach (var c in name)
            if (!IsNameChar(c)) return InvalidChar;
        return null;
    }

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-';
}
