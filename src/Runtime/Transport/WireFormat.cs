using System.Buffers.Binary;
using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Transport;

/// <summary>
/// The silo-to-silo message, carried as the body of an HTTP/2 POST to <see cref="Path"/> with the cluster key in
/// <see cref="ClusterKeyHeader"/>.
/// Request: version (1 byte) · flags (1 byte; bit 0 = already forwarded) · remaining budget in ms (u32 LE, at
/// fixed offset 2 so a forwarder can patch it) · chain length (LEB128) · chain grain hashes (u64 each) · grain type
/// (string) · key (string) · method id (u16) · arguments.
/// Response (HTTP 200): 0 · result, or 1 · error kind (1 byte) · exception type name · message.
/// Other statuses: 401 wrong/missing key (never dispatched), 421 this silo does not own the key and will not
/// forward (refresh the view, retry once), 503 silo stopping (refresh, retry once), 400 malformed, 413 too large.
/// </summary>
internal static class WireFormat
{
    public const string Path = "/objectstore-runtime/call";
    public const string ClusterKeyHeader = "x-objectstore-cluster-key";
    public const byte Version = 1;
    public const byte ForwardedFlag = 1;
    public const int BudgetOffset = 2;

    private enum ErrorKind : byte
    {
        Other, Argument, InvalidOperation, NotSupported, KeyNotFound, Timeout, Canceled, Deadlock, MailboxFull, SiloUnavailable,
    }

    /// <summary>The parsed fixed part of a request; arguments follow at <see cref="ArgumentsOffset"/>.</summary>
    public readonly record struct RequestHeader(byte Flags, uint BudgetMs, ulong[] Chain, string GrainType, string Key, ushort MethodId, int ArgumentsOffset);

    public static void WriteRequest(ref GrainWriter writer, GrainCall call, byte flags)
    {
        writer.WriteByte(Version);
        writer.WriteByte(flags);
        writer.WriteInt32((int)Math.Min(call.RemainingMs, uint.MaxValue >> 1));
        writer.WriteVarUInt64((ulong)call.Chain.Length);
        foreach (var hash in call.Chain) writer.WriteUInt64(hash);
        writer.WriteString(call.Id.Type);
        writer.WriteString(call.Id.Key);
        writer.WriteUInt16(call.Request!.MethodId);
        call.Request.WriteArguments(ref writer);
    }

    public static RequestHeader ReadRequestHeader(ReadOnlySpan<byte> message)
    {
        var reader = new GrainReader(message);
        var version = reader.ReadByte();
        if (version != Version) throw new InvalidDataException($"Unsupported grain message version {version}.");
        var flags = reader.ReadByte();
        var budget = (uint)reader.ReadInt32();
        var count = reader.ReadVarUInt64();
        if (count > 1024) throw new InvalidDataException($"Call chain of {count} grains is too long.");
        var chain = new ulong[count];
        for (var i = 0; i < chain.Length; i++) chain[i] = reader.ReadUInt64();
        var type = reader.ReadRequiredString();
        var key = reader.ReadRequiredString();
        var method = reader.ReadUInt16();
        return new RequestHeader(flags, budget, chain, type, key, method, message.Length - reader.Remaining);
    }

    /// <summary>Marks a request forwarded and lowers its budget in place.</summary>
    public static void PatchForForward(Span<byte> message, uint remainingMs)
    {
        message[1] |= ForwardedFlag;
        BinaryPrimitives.WriteInt32LittleEndian(message[BudgetOffset..], (int)remainingMs);
    }

    public static void WriteSuccess(ref GrainWriter writer, GrainRequest request)
    {
        writer.WriteByte(0);
        request.WriteResponse(ref writer);
    }

    public static void WriteError(ref GrainWriter writer, Exception error)
    {
        writer.WriteByte(1);
        writer.WriteByte((byte)KindOf(error));
        writer.WriteString(error.GetType().FullName ?? error.GetType().Name);
        writer.WriteString(error.Message);
    }

    /// <summary>Applies a 200 response to the call: the result onto its request, or the re-created exception.</summary>
    public static void CompleteFromResponse(GrainCall call, ReadOnlySpan<byte> body)
    {
        var reader = new GrainReader(body);
        if (reader.ReadByte() == 0)
        {
            call.Request!.ReadResponse(ref reader);
            call.TrySetResult();
            return;
        }
        var kind = (ErrorKind)reader.ReadByte();
        var type = reader.ReadRequiredString();
        var message = reader.ReadString() ?? "";
        call.TrySetException(Recreate(kind, type, message));
    }

    private static ErrorKind KindOf(Exception error) => error switch
    {
        DeadlockException => ErrorKind.Deadlock,
        MailboxFullException => ErrorKind.MailboxFull,
        SiloUnavailableException => ErrorKind.SiloUnavailable,
        ArgumentException => ErrorKind.Argument,
        InvalidOperationException => ErrorKind.InvalidOperation,
        NotSupportedException => ErrorKind.NotSupported,
        KeyNotFoundException => ErrorKind.KeyNotFound,
        TimeoutException => ErrorKind.Timeout,
        OperationCanceledException => ErrorKind.Canceled,
        _ => ErrorKind.Other,
    };

    private static Exception Recreate(ErrorKind kind, string type, string message) => kind switch
    {
        ErrorKind.Deadlock => new DeadlockException(message),
        ErrorKind.MailboxFull => new MailboxFullException(message),
        ErrorKind.SiloUnavailable => new SiloUnavailableException(message),
        ErrorKind.Argument => new ArgumentException(message),
        ErrorKind.InvalidOperation => new InvalidOperationException(message),
        ErrorKind.NotSupported => new NotSupportedException(message),
        ErrorKind.KeyNotFound => new KeyNotFoundException(message),
        ErrorKind.Timeout when type == typeof(GrainTimeoutException).FullName => new GrainTimeoutException(message),
        ErrorKind.Timeout => new TimeoutException(message),
        ErrorKind.Canceled => new OperationCanceledException(message),
        _ => new GrainCallException(type, message),
    };
}
