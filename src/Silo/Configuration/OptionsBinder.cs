using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// Binds the options classes from the layered configuration by their shape: a property <c>HttpAddr</c> reads the key
/// <c>http_addr</c> (or its <see cref="ConfigurationKeyNameAttribute"/>, where a <c>:</c> path reaches into a nested
/// table, as for Microsoft's binder), nested options classes read tables, lists and string-keyed dictionaries read
/// theirs, <c>required</c> members must be present and <see cref="RangeAttribute"/> bounds numbers.
///
/// Why not Microsoft's <c>ConfigurationBinder</c>, which this otherwise mirrors: objectstore's configurations use
/// figment's value syntax (humantime durations, <c>ip:port</c>, lower-case choices, <c>[name, value]</c> pairs), which
/// the binder can only read through process-wide <c>TypeConverter</c> registrations on framework types; and it stops at
/// the first bad value with a message naming a CLR type. Here every value is read by <see cref="ConfigSection"/>'s
/// figment parsers, every problem is reported at once naming its dotted key, and the keys read are recorded for the
/// unknown-key report. Rules that span keys are not here: they are <see cref="ConfigValidator"/>'s.
/// </summary>
internal static class OptionsBinder
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<(PropertyInfo Property, string Key)>> Shapes = new();
    private static readonly ConcurrentDictionary<Type, IReadOnlyDictionary<string, object>> EnumChoices = new();

    /// <summary><c>logging.level</c>'s words (objectstore's, plus .NET's <c>warning</c>) for Microsoft's <see cref="LogLevel"/>.</summary>
    private static readonly IReadOnlyDictionary<string, object> LogLevels = new Dictionary<string, object>
    {
        ["trace"] = LogLevel.Trace, ["debug"] = LogLevel.Debug, ["info"] = LogLevel.Information, ["warn"] = LogLevel.Warning,
        ["warning"] = LogLevel.Warning, ["error"] = LogLevel.Error, ["off"] = LogLevel.None,
    };

    /// <summary>A new <typeparamref name="T"/> with its defaults, every key present in <paramref name="section"/> bound over them.</summary>
    public static T Bind<T>(ConfigSection section) where T : class, new() => (T?)BindObject(typeof(T), section) ?? new T();

    private static object? BindObject(Type type, ConfigSection s)
    {
        var instance = Activator.CreateInstance(type)!;
        var complete = true;
        foreach (var (property, key) in ShapeOf(type))
        {
            if (!s.Has(key))
            {
                s.Node(key);
                if (!property.IsDefined(typeof(RequiredMemberAttribute))) continue;
                s.Error(key, (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) is { IsEnum: true } e
                    ? $"required ({string.Join(" or ", ChoicesOf(e).Keys)})"
                    : "required");
                complete = false;
                continue;
            }
            if (Read(property.PropertyType, s, key, property.GetCustomAttribute<RangeAttribute>(), out var value))
                property.SetValue(instance, value);
            else if (property.IsDefined(typeof(RequiredMemberAttribute)))
                complete = false;
        }
        // Without a required member (absent or bad) the object is not there at all (the error says why), as for any value of the wrong shape.
        return complete ? instance : null;
    }

    /// <summary>Reads the present key <paramref name="key"/> as <paramref name="type"/>; false (with an error recorded) when it has the wrong shape.</summary>
    private static bool Read(Type type, ConfigSection s, string key, RangeAttribute? range, out object? value)
    {
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        // An optional duration can be switched off: `off` or `0` is no value at all (no limit, no sweep).
        if (scalar == typeof(TimeSpan) && scalar != type && s.IsOff(key))
        {
            value = null;
            return true;
        }
        value = scalar switch
        {
            _ when scalar == typeof(string) => s.String(key),
            _ when scalar == typeof(bool) => s.Bool(key),
            _ when scalar == typeof(int) => (int?)s.Integer(key, Min(range, int.MinValue), Max(range, int.MaxValue)),
            _ when scalar == typeof(long) => s.Integer(key, Min(range, long.MinValue), Max(range, long.MaxValue)),
            _ when scalar == typeof(double) => s.Number(key, Min(range, double.MinValue), Max(range, double.MaxValue)),
            _ when scalar == typeof(TimeSpan) => s.Duration(key),
            _ when scalar == typeof(IPEndPoint) => s.EndPoint(key),
            _ when scalar == typeof(Uri) => s.HttpUrl(key),
            _ when scalar == typeof(LogLevel) => s.Choice(key, LogLevels),
            { IsEnum: true } => s.Choice(key, ChoicesOf(scalar)),
            _ when Element(type, typeof(IReadOnlyDictionary<,>)) is { } entry => s.Section(key) is { } map ? Map(entry, map) : null,
            _ when Element(type, typeof(IReadOnlyList<>)) is { } item => List(item, s, key),
            _ => s.Section(key) is { } table ? BindObject(type, table) : null,
        };
        return value is not null;
    }

    private static object? List(Type item, ConfigSection s, string key)
    {
        if (item == typeof(string)) return s.StringList(key);
        if (item == typeof(KeyValuePair<string, string>)) return s.Pairs(key);
        if (s.List(key) is not { } items) return null;
        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
        for (var i = 0; i < items.Count; i++)
            if (s.SectionOf($"{key}[{i}]", items[i]) is { } entry && BindObject(item, entry) is { } bound) list.Add(bound);
        return list;
    }

    /// <summary>A map with names the operator chooses (<c>auth.keys.&lt;kid&gt;</c>, <c>usecases.&lt;name&gt;</c>): every entry read as <paramref name="value"/>.</summary>
    private static object Map(Type value, ConfigSection s)
    {
        var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(typeof(string), value), StringComparer.Ordinal)!;
        foreach (var (name, _) in s.Entries().ToList())
            if (Read(value, s, name, range: null, out var entry)) map[name] = entry;
        return map;
    }

    private static IReadOnlyList<(PropertyInfo, string)> ShapeOf(Type type) => Shapes.GetOrAdd(type, static t =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0)
            .Select(p => (p, p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? SnakeCase(p.Name)))
            .ToList());

    /// <summary>An enum's members as lower-case words (<c>Filesystem</c> → <c>filesystem</c>), in declaration order.</summary>
    private static IReadOnlyDictionary<string, object> ChoicesOf(Type type) => EnumChoices.GetOrAdd(type, static t =>
        Enum.GetNames(t).ToDictionary(SnakeCase, name => Enum.Parse(t, name)));

    /// <summary>The <c>T</c> (or <c>(K, V)</c>'s <c>V</c>) of <paramref name="type"/> when it is, or implements, <paramref name="generic"/>.</summary>
    private static Type? Element(Type type, Type generic)
    {
        foreach (var candidate in (Type[])[type, .. type.GetInterfaces()])
            if (candidate.IsGenericType && candidate.GetGenericTypeDefinition() == generic)
                return candidate.GetGenericArguments()[^1];
        return null;
    }

    /// <summary><c>IAmAlivePeriod</c> → <c>i_am_alive_period</c>, <c>S3</c> → <c>s3</c>.</summary>
    private static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]))))
                text.Append('_');
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static long Min(RangeAttribute? range, long fallback) => range is null ? fallback : (long)Math.Max(Convert.ToDouble(range.Minimum), long.MinValue);
    private static long Max(RangeAttribute? range, long fallback) => range is null ? fallback : (long)Math.Min(Convert.ToDouble(range.Maximum), long.MaxValue);
    private static double Min(RangeAttribute? range, double fallback) => range is null ? fallback : Convert.ToDouble(range.Minimum);
    private static double Max(RangeAttribute? range, double fallback) => range is null ? fallback : Convert.ToDouble(range.Maximum);
}
