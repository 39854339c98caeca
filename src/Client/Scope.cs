using System.Text;

namespace ObjectStore.Client;

/// <summary>
/// The ordered <c>name=value</c> pairs that place objects below a usecase (<c>org=42;project=1337</c>); order is
/// significant, and the empty scope is written <c>_</c>.
/// </summary>
public sealed class Scope
{
    private readonly (string Name, string Value)[] _pairs;

    private Scope((string Name, string Value)[] pairs) => _pairs = pairs;

    /// <summary>No scope components.</summary>
    public static Scope Empty { get; } = new([]);

    /// <summary>The components in order.</summary>
    public IReadOnlyList<(string Name, string Value)> Components => _pairs;

    /// <summary>
    /// A scope from components in order. Names and values must be non-empty and use only
    /// <c>A-Z a-z 0-9 _ - ( ) $ ! + '</c>, the server's rule (it answers 400 otherwise).
    /// </summary>
    public static Scope Create(params (string Name, string Value)[] components)
    {
        foreach (var (name, value) in components)
        {
            Check(name, "name");
            Check(value, $"value of '{name}'");
        }
        return new Scope([.. components]);
    }

    /// <summary>The path segment: <c>org=42;project=1337</c>, or <c>_</c> when empty.</summary>
    public override string ToString()
    {
        if (_pairs.Length == 0) return "_";
        var text = new StringBuilder();
        foreach (var (name, value) in _pairs)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(name).Append('=').Append(value);
        }
        return text.ToString();
    }

    private static void Check(string part, string what)
    {
        if (string.IsNullOrEmpty(part)) throw new ArgumentException($"a scope {what} cannot be empty");
        foreach (var c in part)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '(' or ')' or '$' or '!' or '+' or '\''))
                throw new ArgumentException($"scope {what} '{part}' has '{c}'; allowed are A-Z a-z 0-9 _ - ( ) $ ! + '");
    }
}
