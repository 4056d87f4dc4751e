namespace Scouter;

/// <summary>
/// A configuration or profile value is invalid. <see cref="ArgumentException.ParamName"/> is the
/// snake_case name of the offending field and <see cref="Value"/> the rejected value.
/// </summary>
public sealed class ScouterConfigException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="field"/> holding <paramref name="value"/>.</summary>
    public ScouterConfigException(string field, object? value, string reason)
        : base($"Invalid {field}{FormatValue(value)}: {reason}", field)
    {
        Value = value;
    }

    /// <summary>The rejected value, if any.</summary>
    public object? Value { get; }

    /// <summary>The message without the base class's "(Parameter ...)" suffix.</summary>
    public override string Message => base.Message.Split(" (Parameter", 2)[0];

    private static string FormatValue(object? value) => value switch
    {
        null => string.Empty,
        string s => $" '{s}'",
        IFormattable f => " " + f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => $" {value}",
    };
}
