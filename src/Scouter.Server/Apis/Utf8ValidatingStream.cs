using System.Globalization;
using System.Text;

namespace Scouter.Server.Apis;

/// <summary>The request body is not valid UTF-8.</summary>
/// <param name="offset">Byte offset of the first invalid sequence.</param>
internal sealed class InvalidUtf8Exception(long offset)
    : IOException(string.Create(CultureInfo.InvariantCulture, $"The request body is not valid UTF-8 (invalid byte sequence at offset {offset})."));

/// <summary>
/// A read-only pass-through stream that checks, as the bytes flow by, that they are valid UTF-8
/// (RFC 8259 requires it of JSON). <see cref="System.Text.Json"/> does not check property names or
/// skipped values, so without this a body with garbage bytes in, say, a misspelled property name
/// would be accepted with that property silently dropped.
/// </summary>
internal sealed class Utf8ValidatingStream(Stream inner) : Stream
{
    private readonly Decoder _decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetDecoder();
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        Check(buffer[..n], n == 0);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        Check(buffer.Span[..n], n == 0);
        return n;
    }

    private void Check(ReadOnlySpan<byte> bytes, bool end)
    {
        try
        {
            _decoder.GetCharCount(bytes, flush: end);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvalidUtf8Exception(_position + Math.Max(ex.Index, 0));
        }
        _position += bytes.Length;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
