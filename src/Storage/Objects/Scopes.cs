using System.Text;

namespace ObjectStore.Storage.Objects;

/// <summary>One <c>name=value</c> pair of an object's scope list.</summary>
public readonly record struct Scope(string Name, string Value);

/// <summary>
/// The ordered scope list of an object id (<c>org=42;project=1337</c>, or <c>_</c> for none).
/// Order is significant; duplicate names are kept (lookups use the first).
/// </summary>
public sealed class Scopes : IEquatable<Scopes>
{
    /// <summary>The empty scope list, written <c>_</c> in URLs.</summary>
    public static readonly Scopes Empty = new([]);

    private readonly Scope[] _items;

    private Scopes(Scope[] items) => _items = items;

    /// <summary>The pairs in order.</summary>
    public IReadOnlyList<Scope> Items => _items;

    /// <summary>Number of pairs.</summary>
    public int Count => _items.Length;

    /// <summary>Creates a scope list, validating every name and value.</summary>
    public static Scopes Create(params IEnumerable<Scope> items)
    {
        var array = items.ToArray();
        foreach (var s in array)
        {
            if (!IsValidPart(s.Name) || !IsValidPart(s.Value))
                throw new FormatException($"invalid scope '{s.Name}={s.Value}': names and values must be non-empty and use only A-Z a-z 0-9 _ - ( ) $ ! + '");
        }
        return array.Length == 0 ? Empty : new Scopes(array);
    }

    /// <summary>Parses the decoded scopes path segment: <c>_</c> or <c>n=v;n=v</c> (split at the first <c>=</c>).</summary>
    public static bool TryParse(string segment, out Scopes scopes, out string? error)
    {
        scopes = Empty;
        error = null;
        if (segment == "_") return true;
        if (segment.Length == 0)
        {
            error = "scopes must not be empty (use '_' for no scopes)";
            return false;
        }
        var pieces = segment.Split(';');
        var items = new Scope[pieces.Length];
        for (var i = 0; i < pieces.Length; i++)
        {
            var eq = pieces[i].IndexOf('=');
            if (eq < 0)
            {
                error = $"invalid scope '{pieces[i]}': expected name=value";
                return false;
            }
            var name = pieces[i][..eq];
            var value = pieces[i][(eq + 1)..];
            if (!IsValidPart(name) || !IsValidPart(value))
            {
                error = $"invalid scope '{pieces[i]}': names and values must be non-empty and use only A-Z a-z 0-9 _ - ( ) $ ! + '";
                return false;
            }
            items[i] = new Scope(name, value);
        }
        scopes = new Scopes(items);
        return true;
    }

    /// <summary>Parses like <see cref="TryParse"/> and throws <see cref="FormatException"/> on bad input.</summary>
    public static Scopes Parse(string segment) =>
        TryParse(segment, out var scopes, out var error) ? scopes : throw new FormatException(error);

    /// <summary>The value of the first pair with this name, or null.</summary>
    public string? Get(string name)
    {
        foreach (var s in _items)
            if (s.Name == name) return s.Value;
        return null;
    }

    /// <summary>True when the character may appear in a scope name or value.</summary>
    public static bool IsValidChar(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '(' or ')' or '$' or '!' or '+' or '\'';

    private static bool IsValidPart(string s)
    {
        if (s.Length == 0) return false;
        foreach (var c in s)
            if (!IsValidChar(c)) return false;
        return true;
    }

    /// <summary>The URL form: <c>_</c> when empty, else <c>n=v;n=v</c>.</summary>
    public override string ToString()
    {
        if (_items.Length == 0) return "_";
        var sb = new StringBuilder();
        for (var i = 0; i < _items.Length; i++)
        {
            if (i > 0) sb.Append(';');
            sb.Append(_items[i].Name).Append('=').Append(_items[i].Value);
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(Scopes? other) => other is not null && _items.AsSpan().SequenceEqual(other._items);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Scopes);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in _items) h.Add(s);
        return h.ToHashCode();
    }
}
