namespace Edge.Fuzz;

/// <summary>
/// One parser that takes bytes from outside, wrapped so that any bytes can be fed to it: the
/// dataplane's rule is that bad input is a counted drop or a clear error, never an exception
/// or a hang. A harness therefore catches nothing: whatever escapes <see cref="Run"/> is a
/// finding (AFL++ records it as a crash; the corpus replay test fails on it), and so is an
/// input that does not return in time. Harnesses also check a few invariants that a later
/// reader of the parsed result relies on (a payload inside the buffer, a board that never
/// writes garbage on its management line) and throw <see cref="FuzzFinding"/> when one breaks.
/// </summary>
public abstract class FuzzTarget
{
    /// <summary>The name on the command line and the corpus folder (tests/fuzz/corpus/NAME).</summary>
    public abstract string Name { get; }

    /// <summary>One line: the entry points the harness drives.</summary>
    public abstract string Covers { get; }

    /// <summary>Feeds one input through the entry points. Must return for every input, quickly.</summary>
    public abstract void Run(byte[] input);

    /// <summary>Valid examples and edge cases to start from, by file name (written to the corpus by `edge-fuzz seed`).</summary>
    public abstract IEnumerable<KeyValuePair<string, byte[]>> Seeds();
}

/// <summary>An invariant a harness checks broke: a finding, as an exception would be.</summary>
public sealed class FuzzFinding(string message) : Exception(message);

/// <summary>
/// Every target, in the order the bench runs them. Made on demand: under AFL++ the instrumented
/// dataplane may only run once SharpFuzz has mapped the coverage bitmap, so a target (whose
/// constructor builds decoders, zones and states) is made inside the fuzzing loop.
/// </summary>
public static class FuzzTargets
{
    private static readonly (string Name, Func<FuzzTarget> Create)[] Factories =
    [
        ("wire", () => new WireTarget()),
        ("dns", () => new DnsTarget()),
        ("mgmt", () => new MgmtTarget()),
        ("codec", () => new CodecTarget()),
        ("http", () => new HttpTarget()),
        ("node", () => new NodeTarget()),
        ("handshake", () => new HandshakeTarget()),
        ("ingress", () => new IngressTarget()),
    ];

    public static IReadOnlyList<string> Names { get; } = Factories.Select(f => f.Name).ToArray();

    /// <summary>A new instance of the named target, or null when there is no such target.</summary>
    public static FuzzTarget? Create(string name) => Factories.FirstOrDefault(f => f.Name == name).Create?.Invoke();

    /// <summary>Throws <see cref="FuzzFinding"/> unless [offset, offset + length) lies within [start, end).</summary>
    public static void Inside(string what, int offset, int length, int start, int end)
    {
        if (length < 0 || offset < start || offset + length > end)
        {
            throw new FuzzFinding($"{what}: [{offset}, +{length}) is outside the input's [{start}, {end})");
        }
    }
}
