using System.Runtime.CompilerServices;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Grains.Objects;

/// <summary>
/// Converts between the in-cluster contract (ObjectStore.Grains.Abstractions, which other Orleans services compile
/// against and which must not depend on our storage assembly) and the storage types the grains work with. Metadata
/// arriving through a grain call gets the checks the HTTP gateway applies to headers, because it is written back out
/// as HTTP headers on every read: an invalid value is refused with an <see cref="ArgumentException"/>, never stored.
/// </summary>
public static class ObjectContract
{
    /// <summary>
    /// The request-context key under which <see cref="ObjectWriter"/> names the silo that uploads a large write's body
    /// (<see cref="IObjectGrain.BeginLargeWrite"/>): the write's change entry is owned by that silo, so recovery takes it
    /// when the uploader dies, not when the key's grain moves.
    /// </summary>
    public const string UploaderContextKey = "objectstore.uploader";

    /// <summary>ObjectGrain's grain type (its <c>[GrainType]</c>).</summary>
    public const string GrainTypeName = "object";

    private static readonly GrainType s_grainType = GrainType.Create(GrainTypeName);

    // Orleans 10.4.2's GetGrain<T>(key) resolves T's interface type by reading T's attributes on every call (no cache):
    // 2 % of a small PUT's silo CPU in a profile. It is resolved once per process here; every later reference is
    // built from the grain id and that interface type. A box, so readers never see a half-written struct.
    private static StrongBox<GrainInterfaceType>? s_interfaceType;

    /// <summary>The object grain of <paramref name="id"/>.</summary>
    public static IObjectGrain GetObjectGrain(this IGrainFactory factory, ObjectId id)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var key = GrainKey(id);
        if (s_interfaceType is { } resolved)
            return (IObjectGrain)factory.GetGrain(GrainId.Create(s_grainType, key), resolved.Value);
        var grain = factory.GetGrain<IObjectGrain>(key);
        s_interfaceType = new StrongBox<GrainInterfaceType>(((GrainReference)(object)grain).InterfaceType);
        return grain;
    }

    /// <summary>The grain key of <paramref name="id"/>.</summary>
    public static string GrainKey(ObjectId id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var scopes = new ObjectScope[id.Scopes.Count];
        for (var i = 0; i < scopes.Length; i++) scopes[i] = new ObjectScope(id.Scopes.Items[i].Name, id.Scopes.Items[i].Value);
        return ObjectGrainKey.Format(id.Usecase, scopes, id.Key);
    }

    /// <summary>The object id a grain key names, validated like an HTTP path (<see cref="FormatException"/> naming the problem otherwise).</summary>
    public static ObjectId ParseGrainKey(string grainKey)
    {
        var (usecase, scopes, key) = ObjectGrainKey.Parse(grainKey);
        if (UsecaseName.Validate(usecase) is { } usecaseError) throw new FormatException($"object grain key names an invalid object id: {usecaseError}");
        try
        {
            return new ObjectId(usecase, Scopes.Create(scopes.Select(s => new Scope(s.Name, s.Value))), key);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"object grain key names an invalid object id: {e.Message}", e);
        }
    }

    /// <summary>Storage metadata as the contract carries it.</summary>
    public static ObjectInfo ToInfo(ObjectMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return new ObjectInfo
        {
            ContentType = metadata.ContentType,
            Compression = metadata.Compression,
            Expiration = metadata.Expiration.ToString(),
            TimeCreated = metadata.TimeCreated,
            TimeExpires = metadata.TimeExpires,
            Origin = metadata.Origin,
            Filename = metadata.Filename,
            Custom = metadata.Custom,
            Size = metadata.Size,
        };
    }

    /// <summary>
    /// The caller's metadata as storage takes it: every field checked as the HTTP gateway checks its headers; server
    /// stamped fields (times, size) are kept as given here and re-stamped by the write.
    /// </summary>
    /// <exception cref="ArgumentException">A field the gateway would refuse, named in the message.</exception>
    public static ObjectMetadata ToMetadata(ObjectInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (string.IsNullOrEmpty(info.ContentType) || !IsHeaderText(info.ContentType) || !info.ContentType.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"invalid content type '{info.ContentType}': a media type like application/octet-stream", nameof(info));
        if (info.Compression is not null and not "zstd")
            throw new ArgumentException($"invalid compression '{info.Compression}': only zstd or none", nameof(info));
        if (!ExpirationPolicy.TryParse(info.Expiration, out var expiration))
            throw new ArgumentException($"invalid expiration policy '{info.Expiration}': manual, ttl:<duration> or tti:<duration>", nameof(info));
        CheckText(info.Origin, "origin");
        CheckText(info.Filename, "filename");
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in info.Custom ?? new Dictionary<string, string>())
        {
            // The empty name is valid: a bare "x-snme-" header is read as it, as the reference does.
            if (name is null || !name.All(IsTokenChar))
                throw new ArgumentException($"invalid custom metadata name '{name}': letters, digits and !#$%&'*+-.^_`|~ only", nameof(info));
            CheckText(value, $"custom metadata '{name}'");
            custom[name.ToLowerInvariant()] = value;
        }
        return new ObjectMetadata
        {
            ContentType = info.ContentType,
            Compression = info.Compression,
            Expiration = expiration,
            TimeCreated = info.TimeCreated,
            TimeExpires = info.TimeExpires,
            Origin = info.Origin,
            Filename = info.Filename,
            Custom = custom,
            Size = info.Size,
        };
    }

    /// <summary>
    /// An expiry request as storage decides it, a <see cref="ExpiryAnchor.Now"/> one resolved against
    /// <paramref name="now"/>; null when that deadline cannot be represented.
    /// </summary>
    /// <exception cref="ArgumentException">A request without the field its anchor needs, or with a negative duration.</exception>
    public static Storage.Objects.ExpiryExtension? ToExtension(ExpiryRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        TimeSpan After() => request.After is { } after && after >= TimeSpan.Zero
            ? after
            : throw new ArgumentException($"an expiry request from {request.Anchor} needs a non-negative After", nameof(request));
        switch (request.Anchor)
        {
            case ExpiryAnchor.Absolute:
                return Storage.Objects.ExpiryExtension.ToDeadline(
                    request.At ?? throw new ArgumentException("an absolute expiry request needs At", nameof(request)), request.TtlMax, request.TtiMax);
            case ExpiryAnchor.Now:
                var after = After();
                return DateTimeOffset.MaxValue - now < after ? null : Storage.Objects.ExpiryExtension.ToDeadline(now + after, request.TtlMax, request.TtiMax);
            case ExpiryAnchor.Creation:
                return Storage.Objects.ExpiryExtension.FromCreation(After(), request.TtlMax, request.TtiMax);
            default:
                throw new ArgumentException($"unknown expiry anchor {request.Anchor}", nameof(request));
        }
    }

    /// <summary>A storage expiry outcome as the contract answers it.</summary>
    public static ExpiryResult ToResult(ExpiryOutcome outcome) => outcome switch
    {
        ExpiryOutcome.Extended => ExpiryResult.Extended,
        ExpiryOutcome.AlreadySatisfied => ExpiryResult.AlreadySatisfied,
        ExpiryOutcome.NotFound => ExpiryResult.NotFound,
        ExpiryOutcome.NotExpiring => ExpiryResult.NotExpiring,
        ExpiryOutcome.Conflict => ExpiryResult.Conflict,
        ExpiryOutcome.BeyondLimit => ExpiryResult.BeyondLimit,
        _ => ExpiryResult.OutOfRange,
    };

    /// <summary>A requested range as storage takes it; <see cref="ArgumentException"/> for a malformed one.</summary>
    public static ByteRange? ToByteRange(ReadRange? range)
    {
        if (range is not { } r) return null;
        try
        {
            if (r.SuffixLength is { } suffix) return ByteRange.Suffix(suffix);
            if (r.Start is not { } start) throw new ArgumentException("a range needs a start or a suffix length", nameof(range));
            return r.End is { } end ? ByteRange.Bounded(start, end) : ByteRange.From(start);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"invalid range: {e.Message}", nameof(range), e);
        }
    }

    /// <summary>A storage range as the contract requests it.</summary>
    public static ReadRange? ToReadRange(ByteRange? range) =>
        range is { } r ? new ReadRange { Start = r.Start, End = r.End, SuffixLength = r.SuffixLength } : null;

    /// <summary>A resolved range as the contract carries it.</summary>
    public static ResolvedRange? ToResolved(ContentRange? range) =>
        range is { } r ? new ResolvedRange { Start = r.Start, End = r.End, Total = r.Total } : null;

    /// <summary>A contract range as the gateway answers it.</summary>
    public static ContentRange? ToContentRange(ResolvedRange? range) =>
        range is { } r ? new ContentRange(r.Start, r.End, r.Total) : null;

    /// <summary>The parts of a complete request as storage takes them.</summary>
    public static IReadOnlyList<CompletedPart> ToCompletedParts(IReadOnlyList<PartTag> parts) =>
        parts.Select(p => new CompletedPart(p.PartNumber, p.ETag)).ToArray();

    /// <summary>The parts of a complete request as the contract carries them.</summary>
    public static IReadOnlyList<PartTag> ToPartTags(IReadOnlyList<CompletedPart> parts) =>
        parts.Select(p => new PartTag { PartNumber = p.PartNumber, ETag = p.ETag }).ToArray();

    /// <summary>A completion as the contract carries it.</summary>
    public static MultipartOutcome ToOutcome(MultipartCompletion completion) =>
        new() { ErrorCode = completion.ErrorCode, ErrorMessage = completion.ErrorMessage };

    /// <summary>A contract completion as the gateway answers it.</summary>
    public static MultipartCompletion ToCompletion(MultipartOutcome outcome) =>
        outcome.Succeeded ? MultipartCompletion.Success : MultipartCompletion.Failed(outcome.ErrorCode!, outcome.ErrorMessage ?? outcome.ErrorCode!);

    // Free-form values are logical strings (the gateway percent-encodes them on the wire, objectstore-types 0.3.1):
    // anything that is text, i.e. encodes as UTF-8.
    private static void CheckText(string? value, string what)
    {
        if (value is not null && !IsWellFormed(value))
            throw new ArgumentException($"invalid {what}: not well-formed text (a lone UTF-16 surrogate cannot be sent as UTF-8)", what);
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) i++;
            else if (char.IsSurrogate(value[i])) return false;
        }
        return true;
    }

    // What a header value may be as text: the gateway's rule for metadata headers.
    private static bool IsHeaderText(string value) => !value.Any(c => c is (< ' ' and not '\t') or >= (char)0x7F);

    private static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
