using System.Globalization;
using System.Text.RegularExpressions;

namespace Edge.Host.Objects;

/// <summary>
/// A Kubernetes resource quantity ("100m", "1.5", "64Mi", "1e3"), read as apimachinery's
/// resource.Quantity reads it: a signed decimal number, then one suffix, binary (Ki..Ei: powers of
/// 1024), decimal (n, u, m, k, M..E: powers of 1000) or an exponent (e3). Scheduling counts cpu in
/// millicores and memory in bytes, each rounded up, as kube-scheduler does.
/// </summary>
public readonly partial record struct Quantity(decimal Value, string Text)
{
    /// <summary>The pattern kube-apiserver quotes when it refuses a quantity.</summary>
    public const string Pattern = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    public static readonly Quantity Zero = new(0, "0");

    /// <summary>The quantity, or false for text that is not one (a wrong suffix, two points, a number too large).</summary>
    public static bool TryParse(string? text, out Quantity quantity)
    {
        quantity = Zero;
        if (text == null || !Shape().IsMatch(text))
        {
            return false;
        }

        Match m = Shape().Match(text);
        if (!decimal.TryParse(m.Groups[1].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number))
        {
            return false;
        }

        decimal? scale = Scale(m.Groups[2].Value);
        if (scale == null)
        {
            return false;
        }

        try
        {
            quantity = new Quantity(number * scale.Value, text);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static Quantity Parse(string text) =>
        TryParse(text, out Quantity q) ? q : throw new FormatException($"\"{text}\": quantities must match the regular expression '{Pattern}'");

    /// <summary>Millicores, rounded up ("100m" 100, "0.5" 500, "1" 1000), as the scheduler counts cpu; past long's range, long's largest (an amount no board has).</summary>
    public long MilliValue => Saturated(Value > long.MaxValue / 1000m ? long.MaxValue : Value * 1000);

    /// <summary>The value rounded up to a whole unit (bytes, for memory); past long's range, long's largest.</summary>
    public long WholeValue => Saturated(Value);

    /// <summary>a + b, held at long's largest instead of wrapping (sums of requests a manifest can make absurd).</summary>
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long Saturated(decimal value) =>
        value >= long.MaxValue ? long.MaxValue : value <= long.MinValue ? long.MinValue : (long)Math.Ceiling(value);

    /// <summary>
    /// Memory as a quantity a person wrote: the largest binary unit it is a whole number of ("8Ki",
    /// "1536Ki") or the largest decimal one ("64M"), whichever is shorter (binary when they are
    /// as long), else bytes. (kubectl keeps the format of what was summed; a sum here is bytes.)
    /// </summary>
    public static string FormatBytes(long bytes)
    {
        string binary = Largest(bytes, 1024, ["Ki", "Mi", "Gi", "Ti"]);
        string decimalSi = Largest(bytes, 1000, ["k", "M", "G", "T"]);
        return decimalSi.Length < binary.Length ? decimalSi : binary;
    }

    private static string Largest(long amount, int step, string[] units)
    {
        string unit = "";
        long value = amount;
        foreach (string next in units)
        {
            if (value == 0 || value % step != 0)
            {
                break;
            }

            value /= step;
            unit = next;
        }

        return value.ToString(CultureInfo.InvariantCulture) + unit;
    }

    /// <summary>Cpu in the form kubectl prints a sum in: whole cores ("1"), else millicores ("250m").</summary>
    public static string FormatMilli(long milli) =>
        milli % 1000 == 0 ? (milli / 1000).ToString(CultureInfo.InvariantCulture) : milli.ToString(CultureInfo.InvariantCulture) + "m";

    public override string ToString() => Text;

    private static decimal? Scale(string suffix)
    {
        switch (suffix)
        {
            case "": return 1;
            case "n": return 0.000000001m;
            case "u": return 0.000001m;
            case "m": return 0.001m;
            case "k": return 1e3m;
            case "M": return 1e6m;
            case "G": return 1e9m;
            case "T": return 1e12m;
            case "P": return 1e15m;
            case "E": return 1e18m;
            case "Ki": return 1L << 10;
            case "Mi": return 1L << 20;
            case "Gi": return 1L << 30;
            case "Ti": return 1L << 40;
            case "Pi": return 1L << 50;
            case "Ei": return 1L << 60;
        }

        // An exponent: e3, E-2, e+6 (apimachinery's decimal exponent form).
        if (suffix.Length >= 2 && suffix[0] is 'e' or 'E' && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int exponent)
            && exponent is >= -18 and <= 18)
        {
            decimal scale = 1;
            for (int i = 0; i < Math.Abs(exponent); i++)
            {
                scale = exponent > 0 ? scale * 10 : scale / 10;
            }

            return scale;
        }

        return null;
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Shape();
}
