namespace ObjectStore.Gateway.Http.Lowercase;

/// <summary>
/// Follows the HTTP/1.1 message framing of one direction of a connection, byte stream in, so that
/// every message head is found without buffering: heads are walked byte by byte (lowercasing field
/// names in place when rewriting responses), bodies are skipped by length (Content-Length, chunk
/// sizes) without touching their bytes. Anything it does not follow (HTTP/2 preface, bodies
/// delimited by connection close, 101 Switching Protocols, malformed framing) turns it into a
/// pass-through for the rest of the connection: it then never changes another byte.
/// </summary>
internal sealed class Http1MessageFramer
{
    private enum State
    {
        StartLine,
        LineStart,
        Name,
        Value,
        HeadEndLf,
        Body,
        ChunkSize,
        ChunkExtension,
        ChunkSizeLf,
        ChunkData,
        ChunkDataCr,
        ChunkDataLf,
        Opaque,
    }

    private const int StartLineCapacity = 16;
    private const int NameCapacity = 24;
    private const int ValueCapacity = 96;
    private const long MaxChunkSize = 1L << 48;

    private readonly bool _isResponse;
    private readonly RequestMethodQueue _methods;
    private readonly byte[] _startLine = new byte[StartLineCapacity];
    private readonly byte[] _name = new byte[NameCapacity];
    private readonly byte[] _value = new byte[ValueCapacity];

    private State _state = State.StartLine;
    private int _startLineLength;
    private int _nameLength;
    private int _valueLength;
    private long _contentLength;
    private bool _chunked;
    private bool _framingInvalid;
    private bool _inTrailer;
    private long _remaining;
    private long _chunkSize;

    /// <summary>Creates a framer for responses (rewriting) or requests (observing only).</summary>
    public Http1MessageFramer(bool isResponse, RequestMethodQueue methods)
    {
        _isResponse = isResponse;
        _methods = methods;
    }

    /// <summary>True once the framer gave up following the stream; every later byte passes untouched.</summary>
    public bool IsOpaque => _state == State.Opaque;

    /// <summary>Consumes the next bytes of the stream; for responses, header names in them are lowercased in place.</summary>
    public void Process(Span<byte> data)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_state)
            {
                case State.Opaque:
                    return;
                case State.Body:
                {
                    var take = (int)Math.Min(_remaining, data.Length - i);
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0) StartMessage();
                    break;
                }
                case State.ChunkData:
                {
                    var take = (int)Math.Min(_remaining, data.Length - i);
                    i += take;
                    _remaining -= take;
                    if (_remaining == 0) _state = State.ChunkDataCr;
                    break;
                }
                default:
                    Step(ref data[i]);
                    i++;
                    break;
            }
        }
    }

    private void Step(ref byte b)
    {
        switch (_state)
        {
            case State.StartLine:
                if (b == (byte)'\n')
                {
                    EndStartLine();
                    return;
                }
                if (_isResponse && _startLineLength < 5 && b != "HTTP/"u8[_startLineLength])
                {
                    // Not an HTTP/1.x response (e.g. an HTTP/2 frame): leave the stream alone.
                    _state = State.Opaque;
                    return;
                }
                if (_startLineLength < StartLineCapacity) _startLine[_startLineLength] = b;
                _startLineLength++;
                return;
            case State.LineStart:
                if (b == (byte)'\r')
                {
                    _state = State.HeadEndLf;
                    return;
                }
                if (b == (byte)'\n')
                {
                    EndHead();
                    return;
                }
                _nameLength = 0;
                _state = State.Name;
                goto case State.Name;
            case State.Name:
                if (b == (byte)':')
                {
                    _valueLength = 0;
                    _state = State.Value;
                    return;
                }
                if (b == (byte)'\n')
                {
                    _state = State.LineStart;
                    return;
                }
                if (b is >= (byte)'A' and <= (byte)'Z')
                {
                    if (_isResponse) b |= 0x20;
                    Remember(_name, ref _nameLength, (byte)(b | 0x20));
                }
                else
                {
                    Remember(_name, ref _nameLength, b);
                }
                return;
            case State.Value:
                if (b == (byte)'\n')
                {
                    EndHeaderLine();
                    _state = State.LineStart;
                }
                else if (b != (byte)'\r')
                {
                    Remember(_value, ref _valueLength, b);
                }
                return;
            case State.HeadEndLf:
                if (b == (byte)'\n') EndHead();
                else _state = State.Opaque;
                return;
            case State.ChunkSize:
                var digit = HexValue(b);
                if (digit >= 0)
                {
                    _chunkSize = _chunkSize * 16 + digit;
                    if (_chunkSize > MaxChunkSize) _state = State.Opaque;
                }
                else if (b is (byte)';' or (byte)' ' or (byte)'\t') _state = State.ChunkExtension;
                else if (b == (byte)'\r') _state = State.ChunkSizeLf;
                else if (b == (byte)'\n') EndChunkSize();
                else _state = State.Opaque;
                return;
            case State.ChunkExtension:
                if (b == (byte)'\n') EndChunkSize();
                return;
            case State.ChunkSizeLf:
                if (b == (byte)'\n') EndChunkSize();
                else _state = State.Opaque;
                return;
            case State.ChunkDataCr:
                _state = b == (byte)'\r' ? State.ChunkDataLf : State.Opaque;
                return;
            case State.ChunkDataLf:
                _state = b == (byte)'\n' ? State.ChunkSize : State.Opaque;
                return;
        }
    }

    private static void Remember(byte[] buffer, ref int length, byte b)
    {
        // Lengths past the capacity are counted, so an over-long name never matches a short one.
        if (length < buffer.Length) buffer[length] = b;
        length++;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private void StartMessage()
    {
        _state = State.StartLine;
        _startLineLength = 0;
    }

    private void EndStartLine()
    {
        var line = _startLine.AsSpan(0, Math.Min(_startLineLength, StartLineCapacity));
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (_isResponse)
        {
            // "HTTP/1.1 200 ..." — anything else is not a response we can follow.
            if (line.Length < 12 || !line.StartsWith("HTTP/1."u8))
            {
                _state = State.Opaque;
                return;
            }
        }
        else if (line.StartsWith("PRI "u8))
        {
            _state = State.Opaque;
            return;
        }
        _contentLength = -1;
        _chunked = false;
        _framingInvalid = false;
        _inTrailer = false;
        _state = State.LineStart;
    }

    private void EndHeaderLine()
    {
        if (_inTrailer || _nameLength > NameCapacity) return;
        var name = _name.AsSpan(0, _nameLength);
        var value = _valueLength > ValueCapacity ? default : _value.AsSpan(0, _valueLength).Trim(" \t"u8);
        if (name.SequenceEqual("content-length"u8))
        {
            if (_valueLength > ValueCapacity || !TryParseLength(value, out var length) || (_contentLength >= 0 && _contentLength != length))
                _framingInvalid = true;
            else
                _contentLength = length;
        }
        else if (name.SequenceEqual("transfer-encoding"u8))
        {
            // The last coding decides whether the body is chunked.
            _chunked = _valueLength <= ValueCapacity && EndsWithChunked(value);
            if (_valueLength > ValueCapacity) _framingInvalid = true;
        }
    }

    private static bool EndsWithChunked(ReadOnlySpan<byte> value)
    {
        var comma = value.LastIndexOf((byte)',');
        var last = value[(comma + 1)..].Trim(" \t"u8);
        return System.Text.Ascii.EqualsIgnoreCase(last, "chunked"u8);
    }

    private static bool TryParseLength(ReadOnlySpan<byte> value, out long length)
    {
        length = 0;
        if (value.IsEmpty || value.Length > 18) return false;
        foreach (var c in value)
        {
            if (c is < (byte)'0' or > (byte)'9') return false;
            length = length * 10 + (c - '0');
        }
        return true;
    }

    private void EndChunkSize()
    {
        if (_chunkSize == 0)
        {
            _inTrailer = true;
            _state = State.LineStart;
            return;
        }
        _remaining = _chunkSize;
        _chunkSize = 0;
        _state = State.ChunkData;
    }

    private void EndHead()
    {
        if (_inTrailer)
        {
            _inTrailer = false;
            StartMessage();
            return;
        }
        if (_isResponse) EndResponseHead();
        else EndRequestHead();
    }

    private void EndResponseHead()
    {
        var line = _startLine.AsSpan();
        if (!char.IsAsciiDigit((char)line[9]) || !char.IsAsciiDigit((char)line[10]) || !char.IsAsciiDigit((char)line[11]))
        {
            _state = State.Opaque;
            return;
        }
        var status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
        if (status is >= 100 and < 200)
        {
            // Interim responses (100 Continue) have no body and precede the final one; 101 hands
            // the connection to another protocol.
            if (status == 101) _state = State.Opaque;
            else StartMessage();
            return;
        }
        var isHead = _methods.TryDequeue(out var head) && head;
        if (isHead || status is 204 or 304)
        {
            StartMessage();
        }
        else if (_framingInvalid)
        {
            _state = State.Opaque;
        }
        else
        {
            // A response without length or chunking runs until the connection closes.
            EnterBody(closeDelimitedWhenUnframed: true);
        }
    }

    private void EndRequestHead()
    {
        var line = _startLine.AsSpan(0, Math.Min(_startLineLength, StartLineCapacity));
        _methods.Enqueue(line.StartsWith("HEAD "u8));
        // An Upgrade request stays ordinary HTTP here: only a 101 answer (seen on the response
        // side) switches protocols, and then the response side stops rewriting anyway.
        if (line.StartsWith("CONNECT "u8) || _framingInvalid) _state = State.Opaque;
        else EnterBody(closeDelimitedWhenUnframed: false);
    }

    private void EnterBody(bool closeDelimitedWhenUnframed)
    {
        if (_chunked)
        {
            _chunkSize = 0;
            _state = State.ChunkSize;
        }
        else if (_contentLength > 0)
        {
            _remaining = _contentLength;
            _state = State.Body;
        }
        else if (_contentLength < 0 && closeDelimitedWhenUnframed)
        {
            // Nothing after a close-delimited body is a message head.
            _state = State.Opaque;
        }
        else
        {
            StartMessage();
        }
    }
}
