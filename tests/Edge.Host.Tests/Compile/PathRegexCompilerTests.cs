using System.Globalization;
using System.Text;
using Edge.Dataplane.Ingress;
using Edge.Host.Compile;

namespace Edge.Host.Tests.Compile;

/// <summary>
/// ingress-nginx's regular-expression paths compiled for the board's matcher: the programs written
/// out for the small cases (golden bytes), the groups counted as PCRE counts them, what a board
/// does not take refused by name, and the bounds on a program. Whether the programs match as PCRE
/// does is <see cref="PathRegexDifferentialTests"/>.
/// </summary>
[Trait("Category", Category.Unit)]
public sealed class PathRegexCompilerTests
{
    private const byte Match = PathPattern.Match, Char = PathPattern.Char, Any = PathPattern.Any, Class = PathPattern.Class,
        NotClass = PathPattern.NotClass, Split = PathPattern.Split, Jump = PathPattern.Jump, Save = PathPattern.Save, End = PathPattern.End,
        Many = PathPattern.Many;

    private static byte[] Program(string pattern)
    {
        CompiledPath compiled = PathRegexCompiler.Compile(pattern);
        Assert.True(compiled.Program != null, compiled.Error);
        Assert.True(PathPattern.Valid(compiled.Program), $"{pattern}: a program the board refuses");
        return compiled.Program;
    }

    private static string Error(string pattern)
    {
        CompiledPath compiled = PathRegexCompiler.Compile(pattern);
        Assert.Null(compiled.Program);
        return compiled.Error!;
    }

    public static TheoryData<string, byte[]> Programs => new()
    {
        // Letters lower case: the board folds the path's letters before comparing.
        { "/Ab", [Save, 0, Char, (byte)'/', Char, (byte)'a', Char, (byte)'b', Save, 1, Match] },
        { @"\.$", [Save, 0, Char, (byte)'.', End, Save, 1, Match] },
        { ".", [Save, 0, Any, Save, 1, Match] },
        // A class holds both cases of its letters; one letter (or one byte) is a Char.
        { "[a-c]", [Save, 0, Class, 2, (byte)'A', (byte)'C', (byte)'a', (byte)'c', Save, 1, Match] },
        { "[Q]", [Save, 0, Char, (byte)'q', Save, 1, Match] },
        { @"\d", [Save, 0, Class, 1, (byte)'0', (byte)'9', Save, 1, Match] },
        // Negated: the fewer ranges, of the class or of what it leaves out.
        { "[^/]", [Save, 0, NotClass, 1, (byte)'/', (byte)'/', Save, 1, Match] },
        { @"\W", [Save, 0, NotClass, 4, (byte)'0', (byte)'9', (byte)'A', (byte)'Z', (byte)'_', (byte)'_', (byte)'a', (byte)'z', Save, 1, Match] },
        // (a): group 1 in slots 2 and 3.
        { "(a)", [Save, 0, Save, 2, Char, (byte)'a', Save, 3, Save, 1, Match] },
        // a|b: Split 7 12 / a / Jump 14 / b.
        { "(?:a|b)", [Save, 0, Split, 0, 7, 0, 12, Char, (byte)'a', Jump, 0, 14, Char, (byte)'b', Save, 1, Match] },
        // Greedy on one byte: a* is one Many run (one backtracking entry however long); a+ is a then
        // the run, a{2,} a a then the run; so for '.', classes, and alternatives of single bytes.
        { "a*", [Save, 0, Many, Char, (byte)'a', Save, 1, Match] },
        { "a+", [Save, 0, Char, (byte)'a', Many, Char, (byte)'a', Save, 1, Match] },
        { "a{2,}", [Save, 0, Char, (byte)'a', Char, (byte)'a', Many, Char, (byte)'a', Save, 1, Match] },
        { ".*", [Save, 0, Many, Any, Save, 1, Match] },
        { "[^/]+", [Save, 0, NotClass, 1, (byte)'/', (byte)'/', Many, NotClass, 1, (byte)'/', (byte)'/', Save, 1, Match] },
        { @"\d*", [Save, 0, Many, Class, 1, (byte)'0', (byte)'9', Save, 1, Match] },
        { "(?:a|[b-c])*", [Save, 0, Many, Class, 2, (byte)'A', (byte)'C', (byte)'a', (byte)'c', Save, 1, Match] },
        { "(?:x|.)*", [Save, 0, Many, Any, Save, 1, Match] },
        // Lazy ones loop through Splits. a*?: L(2): Split 12 7 / a / Jump L, leaving first; a+?: L(2): a / Split 9 L.
        { "a*?", [Save, 0, Split, 0, 12, 0, 7, Char, (byte)'a', Jump, 0, 2, Save, 1, Match] },
        { "a+?", [Save, 0, Char, (byte)'a', Split, 0, 9, 0, 2, Save, 1, Match] },
        // So do the wider ones, and a group that captures: (?:ab)*: L(2): Split 7 14 / a b / Jump L; (a)+: L(2): (a) / Split L 13.
        { "(?:ab)*", [Save, 0, Split, 0, 7, 0, 14, Char, (byte)'a', Char, (byte)'b', Jump, 0, 2, Save, 1, Match] },
        { "(a)+", [Save, 0, Save, 2, Char, (byte)'a', Save, 3, Split, 0, 2, 0, 13, Save, 1, Match] },
        // a?? tries leaving first.
        { "a??", [Save, 0, Split, 0, 9, 0, 7, Char, (byte)'a', Save, 1, Match] },
        // a{2,3}: a a, then one optional.
        { "a{2,3}", [Save, 0, Char, (byte)'a', Char, (byte)'a', Split, 0, 11, 0, 13, Char, (byte)'a', Save, 1, Match] },
        // A '{' that starts no quantifier is a literal, as PCRE has it.
        { "a{x}", [Save, 0, Char, (byte)'a', Char, (byte)'{', Char, (byte)'x', Char, (byte)'}', Save, 1, Match] },
        // A leading (?i) changes nothing: the match is caseless already.
        { "(?i)A", [Save, 0, Char, (byte)'a', Save, 1, Match] },
        // Non-ASCII as the UTF-8 bytes nginx's PCRE (no UTF) reads.
        { "é", [Save, 0, Char, 0xC3, Char, 0xA9, Save, 1, Match] },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public void Small_patterns_compile_to_these_programs(string pattern, byte[] expected)
    {
        Assert.Equal(expected, Program(pattern));
    }

    [Fact]
    public void A_top_level_alternative_after_the_first_is_searched_for_as_nginxs_caret_leaves_it_unanchored()
    {
        // ingress-nginx writes ~* "^/a|/b": (^/a)|(/b), so /b may be anywhere in the path.
        var matcher = new PathPattern();
        byte[] program = Program("/a|/b");

        Assert.True(Matches(matcher, program, "/x/b/c"));
        Assert.Equal((2, 2), (matcher.GroupStart(0), matcher.GroupLength(0)));
        Assert.True(Matches(matcher, program, "/a"));
        Assert.False(Matches(matcher, program, "/x/a"));
        Assert.False(Matches(matcher, Program("(?:/a|/b)"), "/x/b"));
    }

    [Theory]
    [InlineData("/something(/|$)(.*)", 2)]
    [InlineData("/api/v[0-9]+/(.*)", 1)]
    [InlineData("/(?:a|(b))(c(d))", 3)]
    [InlineData(@"/\(not\)", 0)]
    [InlineData("/(1)(2)(3)(4)(5)(6)(7)(8)(9)(10)(11)", 9)] // nginx has $1-$9 only: the tenth and on match as (?: )
    public void Groups_are_counted_by_their_opening_parenthesis_as_PCRE_numbers_them(string pattern, int groups)
    {
        Assert.Equal(groups, PathRegexCompiler.Compile(pattern).Groups);
    }

    [Fact]
    public void A_tenth_group_matches_but_captures_nothing()
    {
        var matcher = new PathPattern();
        Assert.True(Matches(matcher, Program("/(1)(2)(3)(4)(5)(6)(7)(8)(9)(x+)"), "/123456789xx"));
        Assert.Equal((9, 1), (matcher.GroupStart(9), matcher.GroupLength(9)));
        Assert.Equal((0, 12), (matcher.GroupStart(0), matcher.GroupLength(0)));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { @"/(\w+)/\1", "the backreference \"\\1\" at character 8 is not taken: Edge's boards take literal characters" },
        { "/a(?=b)", "a lookahead \"(?=\" at character 3" },
        { "/a(?!b)", "a negative lookahead \"(?!\"" },
        { "/(?<=a)b", "a lookbehind \"(?<=\"" },
        { "/(?<!a)b", "a negative lookbehind \"(?<!\"" },
        { @"/(?<id>\d+)", "a named group \"(?<id>\"" },
        { @"/(?P<id>\d+)", "a named group \"(?P<id>\"" },
        { "/(?>a+)", "an atomic group \"(?>\"" },
        { "/(?|a|b)", "a branch-reset group" },
        { "/(?#note)", "a comment" },
        { "/(?(1)a|b)", "a conditional group" },
        { "/(a(?R)?)", "a recursion" },
        { "/(?1)", "a recursion" },
        { "/(*UTF)a", "a backtracking verb or pattern option" },
        { "/(?s).", "an inline option (only a (?i) at the very start is taken" },
        { "/x(?i)y", "an inline option" },
        { "/(?i:a)", "an inline option" },
        { @"/\bword", "the word boundary \"\\b\"" },
        { @"/\Bx", "the word boundary \"\\B\"" },
        { @"/\p{L}", "the Unicode property \"\\p\"" },
        { @"/\Qa.b\E", "the quotation \"\\Q\"" },
        { @"/\k<x>", "the backreference \"\\k\"" },
        { @"/\R", "the escape \"\\R\"" },
        { @"/\i", "the unknown escape \"\\i\"" },
        { "/a*+", "the possessive quantifier \"*+\"" },
        { "/a{2}+", "the possessive quantifier \"{2}+\"" },
        { "/[[:alpha:]]", "the POSIX class \"[:alpha:]\" at character 3 is not taken: write the characters as a range, such as [a-z0-9]" },
        { "/a{,3}", "\"{,3}\" at character 3 is not taken: PCRE versions disagree on it (a quantifier or literal text): write {0,3}" },
        { "/(a*)*", "\"(a*)*\", a repetition of something that can match nothing at character 2" },
        { "/(a|)+", "a repetition of something that can match nothing" },
        { "/($)*", "a repetition of something that can match nothing" },
        { "/^*", "\"*\" after an anchor" },
        { "*a", "\"*\" with nothing before it to repeat at character 1" },
        { "/a**", "a quantifier right after \"*\"" },
        { "/a{3,2}", "\"{3,2}\", whose numbers are out of order" },
        { "/a{256}", "the count in \"{256}\" at character 3 is not taken: counts up to 255" },
        { "/(a", "a \"(\" with no \")\" at character 2" },
        { "/a)", "an unmatched \")\" at character 3" },
        { "/[a", "a \"[\" with no \"]\"" },
        { "/[z-a]", "the range \"z-a\", which is out of order" },
        { @"/[\d-z]", "the range \"\\d-z\", which starts with a class" },
        { @"/[a-\d]", "the range \"a-\\d\", which ends in a class" },
        { "/[é]", "the non-ASCII character \"é\" in a class" },
        { @"/\x4", "\"\\x\" without two hex digits" },
        { "/a\\", "a \"\\\" at the end" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void What_a_board_does_not_take_is_refused_by_name(string pattern, string expected)
    {
        Assert.Contains(expected, Error(pattern));
    }

    [Fact]
    public void A_program_is_bounded_by_what_a_board_keeps_for_one_path()
    {
        string error = Error("/(?:[a-z0-9]{200}){200}"); // stopped as soon as it passes the bound, not written out first
        Assert.Contains($"more than the {PathRegexCompiler.MaxProgram} bytes of program a board keeps for one path", error);
        Assert.Contains(PathPattern.MaxProgram.ToString(CultureInfo.InvariantCulture), error);

        byte[] big = Program("/" + new string('x', 500)); // 2 bytes a letter
        Assert.InRange(big.Length, 1000, PathRegexCompiler.MaxProgram);
    }

    [Fact]
    public void Escapes_and_classes_take_what_PCRE_gives_them()
    {
        var matcher = new PathPattern();
        Assert.True(Matches(matcher, Program(@"/\x41\t[\b]"), "/a\t\b"));
        Assert.True(Matches(matcher, Program(@"/[]a][^]a]"), "/]b"));
        Assert.False(Matches(matcher, Program(@"/[]a][^]a]"), "/]A"));
        Assert.True(Matches(matcher, Program(@"/[\w.-]+@\S"), "/A.b-c@x"));
        Assert.True(Matches(matcher, Program(@"\A/x\z"), "/X"));
        Assert.False(Matches(matcher, Program(@"\A/x\z"), "/xy"));
        Assert.True(Matches(matcher, Program("/[^a-z]"), "/1"));
        Assert.False(Matches(matcher, Program("/[^a-z]"), "/Q")); // negated caselessly: neither case
    }

    private static bool Matches(PathPattern matcher, byte[] program, string path)
    {
        byte[] bytes = Encoding.Latin1.GetBytes("GET " + path + " HTTP/1.1"); // the path in place, as a board holds it
        return matcher.Matches(program, bytes, 4, path.Length);
    }
}
