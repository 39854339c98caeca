namespace ObjectStore.Storage.Objects;

/// <summary>A requested byte range (api doc §6): <c>bytes=A-B</c>, <c>bytes=A-</c> or <c>bytes=-N</c>.</summary>
public readonly record struct ByteRange
{
    private ByteRange(long? start, long? end, long? suffix)
    {
        Start = start;
        End = end;
        SuffixLength = suffix;
    }

    /// <summary>First byte for bounded and open ranges.</summary>
    public long? Start { get; }

    /// <summary>Last byte (inclusive) for bounded ranges.</summary>
    public long? End { get; }

    /// <summary>Length for suffix ranges.</summary>
    public long? SuffixLength { get; }

    /// <summary><c>bytes=start-end</c> (inclusive, start ≤ end).</summary>
    public static ByteRange Bounded(long start, long end)
    {
        if (start < 0 || end < start) throw new ArgumentOutOfRangeException(nameof(end), "a bounded range needs 0 ≤ start ≤ end");
        return new(start, end, null);
    }

    /// <summary><c>bytes=start-</c>.</summary>
    public static ByteRange From(long start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        return new(start, null, null);
    }

    /// <summary><c>bytes=-length</c> (length &gt; 0).</summary>
    public static ByteRange Suffix(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new(null, null, length);
    }

    /// <summary>Resolves against the stored size; null when unsatisfiable (416).</summary>
    public ContentRange? Resolve(long total)
    {
        if (total <= 0) return null;
        if (SuffixLength is { } n) return new ContentRange(Math.Max(0, total - n), total - 1, total);
        var start = Start!.Value;
        if (start >= total) return null;
        var end = End is { } e ? Math.Min(e, total - 1) : total - 1;
        return new ContentRange(start, end, total);
    }

    /// <inheritdoc />
    public override string ToString() => SuffixLength is { } n ? $"bytes=-{n}" : End is { } e ? $"bytes={Start}-{e}" : $"bytes={Start}-";
}

/// <summary>A resolved range: bytes <see cref="Start"/>..<see cref="End"/> (inclusive) of <see cref="Total"/>.</summary>
public readonly record struct ContentRange(long Start, long End, long Total)
{
    /// <summary>Number of bytes in the range.</summary>
    public long Length => End - Start + 1;

    /// <summary>The <c>content-range</c> header value: <c>bytes S-E/T</c>.</summary>
    public override string ToString() => $"bytes {Start}-{End}/{Total}";
}
