using System.Globalization;
using System.Text;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// The grain key of an object id: an injective, length-prefixed string, so usecases and keys containing any
/// character (separators included) never collide. Form: <c>{n}:{usecase}{count}:</c>, then <c>{n}:{name}{n}:{value}</c>
/// per scope in order, then <c>{n}:{key}</c>, where each <c>n</c> is the decimal length of the string after it.
/// </summary>
public static class ObjectGrainKey
{
    /// <summary>The grain key of <paramref name="id"/>.</summary>
    public static string Format(ObjectId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var sb = new StringBuilder(id.Usecase.Length + id.Key.Length + 16 * (id.Scopes.Count + 1));
        Append(sb, id.Usecase);
        sb.Append(id.Scopes.Count.ToString(CultureInfo.InvariantCulture)).Append(':');
        foreach (var scope in id.Scopes.Items)
        {
            Append(sb, scope.Name);
            Append(sb, scope.Value);
        }
        Append(sb, id.Key);
        return sb.ToString();
    }

    /// <summary>The object id of a key <see cref="Format"/> wrote; <see cref="FormatException"/> naming the problem otherwise.</summary>
    public static ObjectId Parse(string grainKey)
    {
        ArgumentNullException.ThrowIfNull(grainKey);
        var position = 0;
        var usecase = Take(grainKey, ref position);
        var count = Number(grainKey, ref position);
        var scopes = new Scope[count];
        for (var i = 0; i < count; i++) scopes[i] = new Scope(Take(grainKey, ref position), Take(grainKey, ref position));
        var key = Take(grainKey, ref position);
        if (position != grainKey.Length) throw new FormatException($"object grain key has {grainKey.Length - position} trailing characters");
        try
        {
            return new ObjectId(usecase, Scopes.Create(scopes), key);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"object grain key names an invalid object id: {e.Message}", e);
        }
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
