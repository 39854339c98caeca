using System.Globalization;
using System.Text;

namespace ObjectStore.Grains.Objects;

/// <summary>One <c>name=value</c> pair of an object's ordered scope list.</summary>
[GenerateSerializer, Immutable, Alias("objectstore.ObjectScope")]
public readonly record struct ObjectScope
{
    /// <summary>Creates a pair.</summary>
    public ObjectScope(string name, string value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The scope's name (<c>org</c>).</summary>
    [Id(0)] public string Name { get; init; }

    /// <summary>The scope's value (<c>42</c>).</summary>
    [Id(1)] public string Value { get; init; }
}

/// <summary>
/// The grain key of an object (usecase, scopes, key): an injective, length-prefixed string, so usecases and keys
/// containing any character (separators included) never collide. Form: <c>{n}:{usecase}{count}:</c>, then
/// <c>{n}:{name}{n}:{value}</c> per scope in order, then <c>{n}:{key}</c>, where each <c>n</c> is the decimal length of
/// the string after it. The grain validates the parts when it activates (invalid ones fail the call).
/// </summary>
public static class ObjectGrainKey
{
    /// <summary>The grain key of the object <paramref name="key"/> in (<paramref name="usecase"/>, <paramref name="scopes"/>).</summary>
    public static string Format(string usecase, IReadOnlyList<ObjectScope> scopes, string key)
    {
        ArgumentNullException.ThrowIfNull(usecase);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(key);
        var sb = new StringBuilder(usecase.Length + key.Length + 16 * (scopes.Count + 1));
        Append(sb, usecase);
        sb.Append(scopes.Count.ToString(CultureInfo.InvariantCulture)).Append(':');
        foreach (var scope in scopes)
        {
            Append(sb, scope.Name);
            Append(sb, scope.Value);
        }
        Append(sb, key);
        return sb.ToString();
    }

    /// <summary>The parts of a key <see cref="Format"/> wrote; <see cref="FormatException"/> naming the problem otherwise.</summary>
    public static (string Usecase, ObjectScope[] Scopes, string Key) Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var position = 0;
        var usecase = Take(grainKey, ref position);
        var count = Number(grainKey, ref position);
        var scopes = new ObjectScope[count];
        for (var i = 0; i < count; i++) scopes[i] = new ObjectScope(Take(grainKey, ref position), Take(grainKey, ref position));
        var key = Take(grainKey, ref position);
        if (position != grainKey.Length) throw new FormatException($"object grain key has {grainKey.Length - position} trailing characters");
        return (usecase, scopes, key);
    }

    /// <summary>
    /// Parses objectstore's scopes path form: <c>_</c> for none, else <c>name=value</c> pairs joined by <c>;</c> (split at
    /// the first <c>=</c>), e.g. <c>org=1;project=2</c>.
    /// </summary>
    public static ObjectScope[] ParseScopes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "_") return [];
        var parts = path.Split(';');
        var scopes = new ObjectScope[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == parts[i].Length - 1) throw new FormatException($"scope '{parts[i]}' is not name=value (scopes are '_' or 'org=1;project=2')");
            scopes[i] = new ObjectScope(parts[i][..eq], parts[i][(eq + 1)..]);
        }
        return scopes;
    }

    private static void Append(StringBuilder sb, string part) =>
        sb.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);

    private static string Take(string s, ref int position)
    {
        var length = Number(s, ref position);
        if (length > s.Length - position) throw new FormatException($"object grain key is truncated at {position}: {length} characters announced");
        var part = s.Substring(position, length);
        position += length;
        return part;
    }

    private static int Number(string s, ref int position)
    {
        var colon = s.IndexOf(':', position);
        if (colon <= position || colon - position > 9) throw new FormatException($"object grain key lacks a length prefix at {position}");
        var value = 0;
        for (var i = position; i < colon; i++)
        {
            if (s[i] is < '0' or > '9') throw new FormatException($"object grain key has a non-digit length prefix at {position}");
            value = value * 10 + (s[i] - '0');
        }
        position = colon + 1;
        return value;
    }
}
