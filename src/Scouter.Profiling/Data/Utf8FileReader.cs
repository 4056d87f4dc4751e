using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace Scouter.Data;

/// <summary>
/// A <see cref="TextReader"/> over a UTF-8 file that decodes strictly: the first invalid byte is a
/// <see cref="ScouterDataException"/> naming the file, the line and the byte offset, never a silently
/// replaced character or a <see cref="System.Text.DecoderFallbackException"/>. A leading UTF-8 BOM is
/// skipped. Streams the file in fixed-size chunks and counts the bytes read, for progress.
/// </summary>
/// <remarks>
/// The error's row is the data row of the line holding the bad byte (line 1 is the header); it is the
/// CSV record number unless an earlier quoted field spans several lines.
/// </remarks>
internal sealed class Utf8FileReader : TextReader
{
    private const int ChunkSize = 1 << 16;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly byte[] _bytes = new byte[ChunkSize];
    private readonly char[] _chars = new char[ChunkSize]; // one byte never decodes to more than one char
    private int _byteStart;
    private int _byteEnd;
    private int _charPos;
    private int _charLen;
    private bool _endOfStream;
    private bool _preambleChecked;
    private long _decodedBytes;
    private long _lineBreaks;

    public Utf8FileReader(Stream stream, string source)
    {
        _stream = stream;
        _source = source;
    }

    /// <summary>Bytes read from the file so far.</summary>
    public long BytesRead { get; private set; }

    public override int Peek() => _charPos < _charLen || Fill() ? _chars[_charPos] : -1;

    public override int Read() => _charPos < _charLen || Fill() ? _chars[_charPos++] : -1;

    public override int Read(Span<char> buffer)
    {
        var total = 0;
        while (total < buffer.Length && (_charPos < _charLen || Fill()))
        {
            var count = Math.Min(_charLen - _charPos, buffer.Length - total);
            _chars.AsSpan(_charPos, count).CopyTo(buffer[total..]);
            _charPos += count;
            total += count;
        }
        return total;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int ReadBlock(Span<char> buffer) => Read(buffer);

    public override int ReadBlock(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    // The data is local and already buffered; completing synchronously avoids the base class's thread-pool hop.
    public override ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override ValueTask<int> ReadBlockAsync(Memory<char> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer.AsSpan(index, count)));

    public override Task<int> ReadBlockAsync(char[] buffer, int index, int count) => Task.FromResult(Read(buffer.AsSpan(index, count)));

    protected override void Dispose(bool disposing)
    {
        if (disposing) _stream.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Decodes the next chunk into <see cref="_chars"/>; false at the end of the file.</summary>
    private bool Fill()
    {
        _charPos = _charLen = 0;
        while (true)
        {
            if (_byteStart == _byteEnd && !_endOfStream)
            {
                ReadBytes();
                continue;
            }
            if (!_preambleChecked)
            {
                if (_byteEnd - _byteStart < 3 && !_endOfStream)
                {
                    ReadBytes();
                    continue;
                }
                _preambleChecked = true;
                if (_bytes.AsSpan(_byteStart, _byteEnd - _byteStart).StartsWith("\uFEFF"u8)) Consume(3);
                continue;
            }
            if (_byteStart == _byteEnd) return false;

            var status = Utf8.ToUtf16(_bytes.AsSpan(_byteStart, _byteEnd - _byteStart), _chars, out var read, out var written,
                replaceInvalidSequences: false, isFinalBlock: _endOfStream);
            _lineBreaks += _chars.AsSpan(0, written).Count('\n');
            Consume(read);
            if (status == OperationStatus.InvalidData) throw InvalidByte();
            if (written > 0)
            {
                _charLen = written;
                return true;
            }
            ReadBytes(); // NeedMoreData: a multi-byte sequence continues in the next chunk
        }
    }

    private void Consume(int count)
    {
        _byteStart += count;
        _decodedBytes += count;
    }

    private void ReadBytes()
    {
        if (_byteStart > 0)
        {
            _bytes.AsSpan(_byteStart, _byteEnd - _byteStart).CopyTo(_bytes);
            _byteEnd -= _byteStart;
            _byteStart = 0;
        }
        var count = _stream.Read(_bytes, _byteEnd, _bytes.Length - _byteEnd);
        if (count == 0)
        {
            _endOfStream = true;
            return;
        }
        _byteEnd += count;
        BytesRead += count;
    }

    private ScouterDataException InvalidByte()
    {
        var line = _lineBreaks + 1;
        var value = string.Create(CultureInfo.InvariantCulture, $"0x{_bytes[_byteStart]:X2}");
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"invalid UTF-8 at byte offset {_decodedBytes} (line {line}{(line == 1 ? ", the header" : "")}); the file must be UTF-8 encoded");
        return new ScouterDataException(reason, _source, row: line > 1 ? line - 1 : null, value: value);
    }
}
