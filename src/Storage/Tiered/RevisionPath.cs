using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tiered;

/// <summary>
/// Reads an LT storage path back as a revision blob <c>{usecase}/{n}.{v}/…/objects/{key}/{uuid v7}</c>. The storage
/// path is not injective: a usecase may contain <c>/</c> (percent-decoded from the URL) and a key may contain
/// <c>/objects/</c>, so one path can belong to several ids. <see cref="Owners"/> returns every object whose revision
/// could live at the path; a caller deciding whether a blob is referenced must ask about all of them.
/// </summary>
internal static class RevisionPath
{
    private const string ObjectsSegment = "/objects/";

    /// <summary>Beyond this many readings the path is treated as not a revision blob (left alone, never deleted).</summary>
    public const int MaxOwners = 16;

    /// <summary>
    /// The objects whose revision blob could be stored at <paramref name="storagePath"/>; empty when the path is no
    /// revision blob (no uuid v7 last segment, no <c>/objects/</c>, or too ambiguous).
    /// </summary>
    public static IReadOnlyList<ObjectId> Owners(string storagePath)
    {
        var lastSlash = storagePath.LastIndexOf('/');
        if (lastSlash < 0 || !IsRevisionSegment(storagePath.AsSpan(lastSlash + 1))) return [];
        var owners = new List<ObjectId>();
        for (var at = storagePath.IndexOf(ObjectsSegment, StringComparison.Ordinal); at >= 0; at = storagePath.IndexOf(ObjectsSegment, at + 1, StringComparison.Ordinal))
        {
            var keyStart = at + ObjectsSegment.Length;
            if (keyStart >= lastSlash) break;
            var key = storagePath[keyStart..lastSlash];
            var head = storagePath[..at].Split('/');
            // Any run of trailing scope-shaped segments may be scopes or part of the usecase.
            var scopeLike = 0;
            while (scopeLike < head.Length - 1 && TryScope(head[head.Length - 1 - scopeLike], out _)) scopeLike++;
            // Most scopes first: the usual reading (a usecase without a slash) comes first, for logs and deletes.
            for (var scopeCount = scopeLike; scopeCount >= 0; scopeCount--)
            {
                var usecase = string.Join('/', head, 0, head.Length - scopeCount);
                if (usecase.Length == 0) continue;
                var scopes = new Scope[scopeCount];
                for (var i = 0; i < scopeCount; i++) TryScope(head[head.Length - scopeCount + i], out scopes[i]);
                var owner = new ObjectId(usecase, Scopes.Create(scopes), key);
                if (owner.WithKey(owner.Key + storagePath[lastSlash..]).StoragePath != storagePath) continue;
                owners.Add(owner);
                if (owners.Count > MaxOwners) return [];
            }
        }
        return owners;
    }

    /// <summary>True for a uuid v7 in the canonical lowercase form <see cref="Revision.NewFor"/> writes.</summary>
    private static bool IsRevisionSegment(ReadOnlySpan<char> segment)
    {
        if (!Guid.TryParseExact(segment, "D", out var uuid) || uuid.Version != 7) return false;
        Span<char> canonical = stackalloc char[36];
        return uuid.TryFormat(canonical, out var written, "D") && canonical[..written].SequenceEqual(segment);
    }

    /// <summary>A <c>{name}.{value}</c> segment as <see cref="ObjectId.StoragePath"/> writes it (neither part may contain a dot).</summary>
    private static bool TryScope(string segment, out Scope scope)
    {
        scope = default;
        var dot = segment.IndexOf('.');
        if (dot <= 0 || dot == segment.Length - 1 || segment.IndexOf('.', dot + 1) >= 0) return false;
        foreach (var c in segment)
            if (c != '.' && !Scopes.IsValidChar(c)) return false;
        scope = new Scope(segment[..dot], segment[(dot + 1)..]);
        return true;
    }
}
