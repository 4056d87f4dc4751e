namespace Scouter.Data;

/// <summary>
/// Hands out one string instance per distinct category of a column, so a large file with few
/// categories holds a few strings rather than one copy per row. Lookups by span allocate nothing;
/// past <see cref="MaxEntries"/> distinct values (an ID-like column) new values are no longer
/// remembered, which bounds the dictionary without changing any value.
/// </summary>
internal sealed class StringInterner
{
    public const int MaxEntries = 100_000;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public StringInterner() => _bySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Intern(ReadOnlySpan<char> text)
    {
        if (_bySpan.TryGetValue(text, out var existing)) return existing;
        var created = text.ToString();
        if (_strings.Count < MaxEntries) _strings.Add(created, created);
        return created;
    }

    public string Intern(string text)
    {
        if (_strings.TryGetValue(text, out var existing)) return existing;
        if (_strings.Count < MaxEntries) _strings.Add(text, text);
        return text;
    }
}
