using System.Text;

namespace ObjectStore.Storage.Objects;

/// <summary>
/// Identity of a stored object: usecase, ordered scopes and key. Keys are any non-empty string
/// (<c>/</c>, <c>%</c>, spaces, emoji included); backends must store them through an injective
/// encoding, never as raw paths.
/// </summary>
public sealed record ObjectId
{
    /// <summary>Creates an id, rejecting an empty usecase or key.</summary>
    public ObjectId(string usecase, Scopes scopes, string key)
    {
        if (string.IsNullOrEmpty(usecase)) throw new ArgumentException("usecase must not be empty", nameof(usecase));
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("key must not be empty", nameof(key));
        Usecase = usecase;
        Scopes = scopes;
        Key = key;
    }

    /// <summary>Top-level namespace (<c>attachments</c>).</summary>
    public string Usecase { get; }

    /// <summary>Ordered scope list.</summary>
    public Scopes Scopes { get; }

    /// <summary>The object key inside (usecase, scopes).</summary>
    public string Key { get; }

    /// <summary>
    /// The storage path, objectstore's layout: <c>{usecase}/{n1}.{v1}/{n2}.{v2}/objects/{key}</c>
    /// (no scope part when the list is empty).
    /// </summary>
    public string StoragePath
    {
        get
        {
            var sb = new StringBuilder(Usecase.Length + Key.Length + 32);
            sb.Append(Usecase).Append('/');
            foreach (var s in Scopes.Items) sb.Append(s.Name).Append('.').Append(s.Value).Append('/');
            sb.Append("objects/").Append(Key);
            return sb.ToString();
        }
    }

    /// <summary>The same usecase and scopes with another key.</summary>
    public ObjectId WithKey(string key) => new(Usecase, Scopes, key);

    /// <summary>Human-readable form for logs: <c>usecase/scopes/key</c>.</summary>
    public override string ToString() => $"{Usecase}/{Scopes}/{Key}";
}
