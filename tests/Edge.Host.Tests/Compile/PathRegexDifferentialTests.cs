using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Dataplane.Ingress;
using Edge.Host.Compile;
using Xunit.Abstractions;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// The host's compiler and the board's matcher together against a regex engine no one here wrote:
/// each pattern of a corpus (ingress-nginx's documented examples and the constructs they use) is
/// compiled and run by <see cref="PathPattern.Matches"/> on thousands of paths made from its own
/// words and characters, and every answer (matched or not, and each group's start and length) is
/// compared with .NET's backtracking engine, caseless, on "^" + the pattern searched for in the
/// path: the location nginx matches (<c>~* "^PATH"</c>). The corpus is ASCII, where .NET's case
/// folding and classes agree with PCRE's (and no path has a newline, where their '$' and '.' do
/// not matter). Matches the board gives up (<see cref="PathPattern.TooHard"/>) are left out, and
/// must be rare; a catastrophic pattern is given up, not hung. Paths as long as a board's request
/// head holds are tested on their own, for the patterns whose greedy runs take the rest of a path:
/// none of those may be given up.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PathRegexDifferentialTests(ITestOutputHelper output)
{
    private const int PathsPerPattern = 3000;

    /// <summary>The longest path the long-path test makes: a board's request head holds some 1,600 bytes.</summary>
    private const int LongestPath = 1200;

    private static readonly string[] Corpus =
    [
        // ingress-nginx's docs: the rewrite example, path matching, the FAQ.
        "/something(/|$)(.*)",
        "/foo/.*",
        "/foo/bar/(.+)",
        "/foo/bar/[A-Z0-9]{3}",
        "/foo/bar/bar",
        "/api/v[0-9]+/(.*)",
        @"/(\w+)/(.*)",
        "/(api|web)/(.*)",
        "/(?:api|web)(/|$)(.*)",
        "/aa/(p1|p2)(/|$)",
        // Alternatives at the top: only the first is anchored by nginx's ^.
        "/a|/b(.*)",
        @"/v1|/v2/(x+)|/(\d)",
        // Lazy quantifiers.
        "/(.*?)/(.*)",
        @"/(.+?)(\d*)",
        "/(ab){1,3}?c",
        "/a{0,3}?a",
        "/(a*?)(a*)",
        "/(?:a|b)*?c",
        "/(a|b|c|d)+?e",
        "/x??y",
        // Groups nested, repeated, not taking part.
        "/(a|ab)(c|bcd)(d*)",
        "/((a|b)c)+",
        "/((a)|b)+",
        "/(x(y(z)?)?)?",
        "/(?:(a)|b)*c",
        "/(ab|a)(bc|c)?",
        // Classes, escapes, counts.
        @"/[^/]+/(?:[^/]+/)*(\w+)\.(png|jpg)",
        @"/\d{2,4}-\d{1,2}",
        "/a{3}",
        "/a{2,}b",
        "/.{2,3}x",
        "/[a-f0-9]{4,8}",
        @"/\D\W\S\s",
        @"/[\w.-]+@",
        "/[]a][^]a]",
        "/[a-]x",
        "/[A-Z]+/[a-z]+",
        "/a.c",
        "/a+b+c+",
        @"/(?:a|[0-9]|-)*(\d?)x",
        "/(?:b|.)+(a+)",
        @"/\x41\.?b",
        "/br{ace}",
        // Anchors, case, the whole path.
        @"/files/(.*)\.txt$",
        "/exact$",
        @"/p/(\d+)/?$",
        @"\A/abc\z",
        "^/anchored",
        @"(?i)/Case/(\w+)",
        @"/API/(v\d)/Users/(\w+)",
        @"/(\w+)-(\d+)/(.*)",
        "/(/|$)",
        "/",
    ];

    [Fact]
    public void Compiled_patterns_match_paths_as_a_backtracking_regex_engine_does()
    {
        var matcher = new PathPattern();
        var failures = new List<string>();
        long compared = 0, givenUp = 0;
        foreach (string pattern in Corpus)
        {
            CompiledPath compiled = PathRegexCompiler.Compile(pattern);
            Assert.True(compiled.Program != null, $"{pattern}: {compiled.Error}");
            Assert.True(PathPattern.Valid(compiled.Program));
            var reference = new Regex("^" + pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            int groups = Math.Min(reference.GetGroupNumbers().Length, PathPattern.Groups);
            Assert.Equal(groups - 1, compiled.Groups);

            long patternGivenUp = 0, patternMatched = 0, patternCompared = 0;
            foreach (string path in PathsFor(pattern, compiled.Program, new Random(Seed(pattern))))
            {
                long before = matcher.TooHard;
                bool matched = Run(matcher, compiled.Program, path);
                if (matcher.TooHard != before)
                {
                    patternGivenUp++;
                    continue;
                }

                compared++;
                patternCompared++;
                patternMatched += matched ? 1 : 0;
                string? difference = Difference(reference.Match(path), groups, matched, matcher);
                if (difference != null && failures.Count < 20)
                {
                    failures.Add($"{pattern} on \"{path}\": {difference}");
                }
            }

            givenUp += patternGivenUp;
            output.WriteLine($"{pattern}: {patternMatched} of {patternCompared} matched, {patternGivenUp} given up");
            Assert.True(patternMatched > 0 && patternMatched < patternCompared, $"{pattern}: the paths should both match and not");
        }

        output.WriteLine($"{Corpus.Length} patterns, {compared} paths compared, {givenUp} given up");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(givenUp * 200 < compared, $"{givenUp} of {compared + givenUp} matches given up"); // under 0.5%
    }

    /// <summary>
    /// Long paths: every length up to <see cref="LongestPath"/>, made to the shape given (<c>{w}</c> word characters, <c>{d}</c> digits,
    /// <c>{s}</c> one segment, <c>{p}</c> segments and slashes, the last one taking what length is left),
    /// each as made (it must match) and changed by a character, against the reference. A greedy run
    /// over one byte takes one backtracking entry however long it is, so none may be given up.
    /// </summary>
    [Theory]
    [InlineData("/something(/|$)(.*)", "/something/{p}")]
    [InlineData("/api/v[0-9]+/(.*)", "/api/v{d}/{p}")]
    [InlineData("/(.*)", "/{p}")]
    [InlineData(@"/(\w+)/(.*)", "/{w}/{p}")]
    [InlineData("/([^/]+)/(.*)", "/{s}/{p}")]
    [InlineData("/foo/bar/(.+)", "/foo/bar/{p}")]
    [InlineData("/(?:api|web)(/|$)(.*)", "/web/{p}")]
    [InlineData(@"/files/(.*)\.txt$", "/files/{p}.txt")]
    [InlineData(@"/(\w+)-(\d+)/(.*)", "/{w}-{d}/{p}")]
    [InlineData("/(.*?)/(.*)", "/{s}/{p}")]
    [InlineData("/(.*)/(.*)", "/{p}/{s}")]
    public void Long_paths_match_with_the_references_groups_and_none_is_given_up(string pattern, string shape)
    {
        var matcher = new PathPattern();
        byte[] program = PathRegexCompiler.Compile(pattern).Program!;
        var reference = new Regex("^" + pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        int groups = reference.GetGroupNumbers().Length;
        var random = new Random(Seed(pattern));
        var failures = new List<string>();
        for (int length = shape.Length; length <= LongestPath; length++)
        {
            string path = Shaped(shape, length, random);
            var changed = new StringBuilder(path);
            changed[random.Next(path.Length)] = "/a-.%9_"[random.Next(7)];
            foreach ((string tried, bool mustMatch) in new[] { (path, true), (changed.ToString(), false) })
            {
                long before = matcher.TooHard;
                bool matched = Run(matcher, program, tried);
                string? difference = matcher.TooHard != before ? "given up"
                    : mustMatch && !matched ? "no match"
                    : Difference(reference.Match(tried), groups, matched, matcher);
                if (difference != null && failures.Count < 10)
                {
                    failures.Add($"{tried.Length} bytes, \"{(tried.Length > 60 ? tried[..60] + "..." : tried)}\": {difference}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{pattern}:\n" + string.Join("\n", failures));
        Assert.Equal(0, matcher.TooHard);
    }

    // A path of exactly length characters to the shape: each placeholder some, the last the rest.
    private static string Shaped(string shape, int length, Random random)
    {
        string[] parts = Regex.Split(shape, @"(\{[wdsp]\})");
        int left = length - parts.Where(p => !p.StartsWith('{')).Sum(p => p.Length);
        int holes = parts.Count(p => p.StartsWith('{'));
        var path = new StringBuilder();
        foreach (string part in parts)
        {
            if (!part.StartsWith('{'))
            {
                path.Append(part);
                continue;
            }

            int take = --holes == 0 ? left : random.Next(1, Math.Max(2, left - holes + 1));
            left -= take;
            for (int i = 0; i < take; i++)
            {
                path.Append(part[1] switch
                {
                    'w' => "abcXYZ019_"[random.Next(10)],
                    'd' => "0123456789"[random.Next(10)],
                    's' => "abcXYZ019-._~%"[random.Next(14)],
                    _ => i > 0 && i < take - 1 && random.Next(8) == 0 ? '/' : "abcXYZ019-._~%"[random.Next(14)],
                });
            }
        }

        return path.ToString();
    }

    [Fact]
    public void A_catastrophic_pattern_is_given_up_not_hung()
    {
        var matcher = new PathPattern();
        byte[] program = PathRegexCompiler.Compile("(a+)+b").Program!;
        string path = new string('a', 40) + "c"; // 2^40 ways to split the a's for a backtracking engine

        var clock = Stopwatch.StartNew();
        bool matched = Run(matcher, program, path);

        Assert.False(matched);
        Assert.Equal(1, matcher.TooHard);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"{clock.Elapsed} to give up");
        Assert.True(Run(matcher, program, "aaab")); // and it still matches what it can
        Assert.Equal(1, matcher.TooHard);
    }

    // What the board's answer has that the reference's has not; null when they agree.
    private static string? Difference(System.Text.RegularExpressions.Match expected, int groups, bool matched, PathPattern matcher)
    {
        if (expected.Success != matched)
        {
            return $"the board says {(matched ? "match" : "no match")}, the reference {(expected.Success ? "match" : "no match")}";
        }

        for (int k = 0; matched && k < groups; k++)
        {
            Group g = expected.Groups[k];
            (int, int) want = g.Success ? (g.Index, g.Length) : (-1, 0);
            (int, int) got = (matcher.GroupStart(k), matcher.GroupLength(k));
            if (want != got)
            {
                return $"group {k} at {got}, the reference's at {want}";
            }
        }

        return null;
    }

    // A seed of the pattern's own (string.GetHashCode differs from run to run): FNV-1a.
    private static int Seed(string pattern) =>
        (int)(pattern.Aggregate(2166136261u, (hash, c) => (hash ^ c) * 16777619u) & 0x7FFFFFFF);

    private static bool Run(PathPattern matcher, byte[] program, string path)
    {
        byte[] head = Encoding.ASCII.GetBytes("GET " + path + " HTTP/1.1\r\n"); // the path in place, as a board holds it
        return matcher.Matches(program, head, 4, path.Length);
    }

    /// <summary>
    /// Paths for a pattern: the edge cases (empty, "/", its literal text), then, a third each,
    /// paths the program would take (a random walk through it, letters in either case), those
    /// changed a little (a character put in, taken out or replaced, the end cut or added to), and
    /// random ones made of the pattern's own words and characters; up to 32 characters.
    /// </summary>
    private static IEnumerable<string> PathsFor(string pattern, byte[] program, Random random)
    {
        string[] words = [.. Regex.Matches(pattern, "[A-Za-z0-9]+").Select(m => m.Value).Distinct(), "x"];
        char[] alphabet = [.. pattern.Where(c => c is >= ' ' and <= '~' && c != '\\').Concat("/aZ09-_.%~").Distinct()];
        string literal = Regex.Replace(pattern, @"\\.|[^A-Za-z0-9/.-]", "");
        yield return "";
        yield return "/";
        yield return literal;
        yield return literal.ToUpperInvariant();
        yield return literal + "/";
        var path = new StringBuilder();
        for (int n = 0; n < PathsPerPattern; n++)
        {
            path.Clear();
            switch (n % 3)
            {
                case 0:
                    Walk(program, random, alphabet, path);
                    break;
                case 1:
                    Walk(program, random, alphabet, path);
                    for (int changes = random.Next(1, 3); changes > 0; changes--)
                    {
                        int at = random.Next(path.Length + 1);
                        char c = alphabet[random.Next(alphabet.Length)];
                        _ = random.Next(5) switch
                        {
                            0 => path.Insert(at, c),
                            1 when at < path.Length => path.Remove(at, 1),
                            2 when at < path.Length => path.Remove(at, 1).Insert(at, c),
                            3 => path.Remove(at, path.Length - at),
                            _ => path.Append(words[random.Next(words.Length)]),
                        };
                    }

                    break;
                default:
                    if (random.Next(5) > 0)
                    {
                        path.Append('/');
                    }

                    for (int p = random.Next(1, 9); p > 0 && path.Length < 32; p--)
                    {
                        string word = words[random.Next(words.Length)];
                        char c = alphabet[random.Next(alphabet.Length)];
                        path.Append(random.Next(4) switch
                        {
                            0 => random.Next(3) == 0 ? word.ToUpperInvariant() : word,
                            1 => "/",
                            _ => new string(c, random.Next(1, 4)),
                        });
                    }

                    break;
            }

            yield return path.Length > 32 ? path.ToString(0, 32) : path.ToString();
        }
    }

    // A path the program takes, by choosing at random at each branch: its characters, letters in either case.
    private static void Walk(byte[] program, Random random, char[] alphabet, StringBuilder path)
    {
        int pc = 0;
        for (int steps = 0; steps < 200 && path.Length < 32; steps++)
        {
            switch (program[pc])
            {
                case PathPattern.Match or PathPattern.End:
                    return;
                case PathPattern.Char or PathPattern.Any or PathPattern.Class or PathPattern.NotClass:
                    path.Append(OneByte(program, pc, random, alphabet));
                    pc += Width(program, pc);
                    break;
                case PathPattern.Many:
                    for (int run = random.Next(4); run > 0; run--)
                    {
                        path.Append(OneByte(program, pc + 1, random, alphabet));
                    }

                    pc += 1 + Width(program, pc + 1);
                    break;
                case PathPattern.Split:
                    int second = random.Next(3) == 0 ? 2 : 0; // the first way more often
                    pc = program[pc + 1 + second] << 8 | program[pc + 2 + second];
                    break;
                case PathPattern.Jump:
                    pc = program[pc + 1] << 8 | program[pc + 2];
                    break;
                case PathPattern.Save:
                    pc += 2;
                    break;
                default:
                    pc++; // Start
                    break;
            }
        }
    }

    // A byte the one-byte instruction at pc takes (a letter in either case), from the printable ones.
    private static char OneByte(byte[] program, int pc, Random random, char[] alphabet)
    {
        switch (program[pc])
        {
            case PathPattern.Char:
                char c = (char)program[pc + 1];
                return random.Next(2) == 0 ? char.ToUpperInvariant(c) : c;
            case PathPattern.Any:
                return alphabet[random.Next(alphabet.Length)];
            default:
                int n = program[pc + 1];
                bool inside = program[pc] == PathPattern.Class;
                char[] fits = [.. Enumerable.Range(' ', '~' - ' ' + 1).Select(b => (char)b)
                    .Where(b => Enumerable.Range(0, n).Any(r => b >= program[pc + 2 + 2 * r] && b <= program[pc + 3 + 2 * r]) == inside)];
                return fits.Length > 0 ? fits[random.Next(fits.Length)] : '?';
        }
    }

    // How many bytes of program the one-byte instruction at pc takes.
    private static int Width(byte[] program, int pc) => program[pc] switch
    {
        PathPattern.Char => 2,
        PathPattern.Any => 1,
        _ => 2 + 2 * program[pc + 1],
    };
}
