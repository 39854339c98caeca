namespace ObjectStore.Storage.Objects;

/// <summary>
/// The humantime duration grammar objectstore uses on the wire (api doc §5.2): parse the superset
/// (<c>1 days 30 seconds</c>, <c>4.2s</c>, <c>µs</c>, <c>wk</c>, <c>yr</c>) and format exactly as humantime does
/// (<c>1day</c>, <c>2days</c>, <c>1h 30m</c>, <c>11months 30days 3h 50m 24s</c>, <c>0s</c>).
/// </summary>
public static class HumanDuration
{
    /// <summary>Parses a humantime duration; false for empty input, unknown units or missing numbers.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out TimeSpan duration) => throw new NotImplementedException();

    /// <summary>Formats as humantime does.</summary>
    public static string Format(TimeSpan duration) => throw new NotImplementedException();
}
