using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// What a configuration key holds, read off Microsoft.Extensions.Configuration's flat keys: a plain value, a list
/// (children <c>0..n-1</c>) or a table. A key whose values are all null (YAML <c>~</c>, or hidden by a later layer)
/// is absent.
/// </summary>
internal static class ConfigurationShape
{
    /// <summary>True when the key has a value, or a child that has one.</summary>
    public static bool Exists(IConfigurationSection section) => section.Value is not null || section.GetChildren().Any(Exists);

    /// <summary>The children that exist, in configuration order (numeric keys in number order).</summary>
    public static IReadOnlyList<IConfigurationSection> Children(IConfiguration section) => section.GetChildren().Where(Exists).ToList();

    /// <summary>The plain value; null for a list, a table or an absent key.</summary>
    public static string? Scalar(IConfigurationSection section) => Children(section).Count == 0 ? section.Value : null;

    /// <summary>True for a list: children <c>0, 1, …</c>.</summary>
    public static bool IsList(IConfigurationSection section) => IsList(Children(section));

    /// <summary>True for a table: named children.</summary>
    public static bool IsTable(IConfigurationSection section) => Children(section) is { Count: > 0 } children && !IsList(children);

    /// <summary>A short description for error messages ("a table", "a list", "'abc'").</summary>
    public static string Describe(IConfigurationSection section)
    {
        var children = Children(section);
        if (children.Count == 0) return section.Value is null ? "null" : $"'{section.Value}'";
        return IsList(children) ? "a list" : "a table";
    }

    private static bool IsList(IReadOnlyList<IConfigurationSection> children)
    {
        if (children.Count == 0) return false;
        for (var i = 0; i < children.Count; i++)
            if (children[i].Key != i.ToString(CultureInfo.InvariantCulture)) return false;
        return true;
    }
}
