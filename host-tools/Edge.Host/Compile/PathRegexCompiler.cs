using System.Globalization;
using System.Text;
using Edge.Dataplane.Ingress;

namespace Edge.Host.Compile;

/// <summary>
/// An Ingress path as ingress-nginx takes it when its Ingress uses regular expressions, compiled
/// into the program a board's <see cref="PathPattern"/> runs (boards parse no regex).
/// ingress-nginx writes the path P as <c>location ~* "^P"</c> (template.go buildLocation): nginx's
/// PCRE, caseless, without UTF (bytes; only ASCII letters fold), searched for in the path. So the
/// pattern is anchored at the path's start by the <c>^</c> ingress-nginx puts in front, and
/// unanchored at its end; a top-level alternative after the first (<c>/a|/b</c>, read by PCRE as
/// <c>(^/a)|(/b)</c>) is not anchored at all, and may match anywhere in the path: the program
/// then searches for it, leftmost first, as PCRE does. (nginx then rewrites with its own
/// <c>rewrite "(?i)P"</c>, which anchors no alternative: for such a pattern its groups may come from
/// a match further left than the location's; the board's come from the location's match.)
/// <para>
/// The subset Ingress paths use, taken as PCRE reads it:
/// literals (letters emitted lower case: the board folds the path's ASCII letters);
/// escapes of punctuation (<c>\. \/ \- \\</c>), <c>\d \w \s</c> and their negations, <c>\t \n \r \f \e \a \xhh</c>,
/// <c>\A</c> and <c>\z \Z</c> (start and end); <c>.</c> (any byte: PCRE's excludes \n, which a request line cannot carry);
/// classes <c>[...]</c> with ranges, <c>^</c> negation and the escapes above (letters in both cases);
/// groups <c>( )</c>, numbered by their opening parenthesis as PCRE numbers them (only $1-$9 can be
/// used, by nginx as by the boards, so a tenth group and after match as <c>(?: )</c>), and <c>(?: )</c>;
/// alternatives <c>|</c>; quantifiers <c>* + ?</c> and <c>{m} {m,} {m,n}</c> (up to <see cref="MaxRepeat"/>),
/// greedy, or lazy with a <c>?</c> after them; anchors <c>^ $</c>; a leading <c>(?i)</c> (a no-op: the match is
/// caseless already). A <c>{</c> that starts no quantifier is a literal, as in PCRE.
/// </para>
/// <para>
/// Anything else is refused with its name and what the boards take: backreferences, lookaround,
/// named and atomic groups, <c>\b</c>, possessive quantifiers, other inline options, POSIX classes,
/// <c>{,n}</c> (PCRE versions disagree on it), and an unbounded repetition of something that can
/// match nothing (<c>(a*)*</c>: the board's backtracking would loop on it until it gives up).
/// </para>
/// <code>
/// Save 0, the pattern, Save 1, Match            the whole match is group 0
/// Alternatives  Split next, following; ...; Jump end     tried in order
/// X one byte wide (a character, '.', a class, or (?:a|[bc]) of them as one class), greedy:
/// X*   Many X          X+   X; Many X          X{m,}  X m times; Many X
/// any other X, and the lazy ones:
/// X*   L: Split X, out; X; Jump L          X*?  L: Split out, X; X; Jump L
/// X+   L: X; Split L, out                  X+?  L: X; Split out, L
/// X{m,}  X m-1 times, then as X+
/// and either:
/// X?   Split X, out; X                     X??  Split out, X; X
/// X{m,n}  X m times, then n-m nested X? (the inner tried after the outer, as PCRE counts)
/// A|B at the top   L: Split G, S; S: Any; Jump L; G: Save 0, (^A|B), Save 1, Match
/// </code>
/// </summary>
public static class PathRegexCompiler
{
    /// <summary>
    /// The most bytes one route's program may take. The matcher addresses up to
    /// <see cref="PathPattern.MaxProgram"/> (its backtracking stack keeps offsets in shorts), but a
    /// board keeps every route's program in its few hundred KiB, so one path takes far less.
    /// </summary>
    public const int MaxProgram = 1024;

    /// <summary>The largest count a {m,n} quantifier may give: repetitions are written out in the program.</summary>
    public const int MaxRepeat = 255;

    /// <summary>What the boards take, said when a construct is refused for being none of it.</summary>
    public const string Takes =
        "Edge's boards take literal characters, escapes (\\. \\/ and other punctuation, \\d \\w \\s and \\D \\W \\S), '.', "
        + "classes [...] with ranges and ^, groups (...) and (?:...), alternatives |, the quantifiers * + ? {m} {m,} {m,n} "
        + "(lazy with a ? after them), and the anchors ^ $";

    /// <summary>The path's program and how many groups it captures ($1 to $Groups), or why it cannot be compiled.</summary>
    public static CompiledPath Compile(string pattern)
    {
        try
        {
            var parser = new Parser(pattern);
            Node root = parser.Parse();
            var emitter = new Emitter();
            emitter.Program(root);
            return new CompiledPath(emitter.ToArray(), Math.Min(parser.Groups, PathPattern.Groups - 1), null);
        }
        catch (PatternException e)
        {
            return new CompiledPath(null, 0, e.Message);
        }
    }

    private sealed class PatternException(string message) : Exception(message);

    // The pattern as a tree: PCRE's reading of it, before any code.
    private abstract record Node
    {
        /// <summary>Whether it can match the empty string.</summary>
        public abstract bool Nullable { get; }
    }

    private sealed record Literal(byte Byte) : Node
    {
        public override bool Nullable => false;
    }

    /// <summary>A set of bytes, letters already in both cases.</summary>
    private sealed record ByteSet(bool[] Members) : Node
    {
        public override bool Nullable => false;
    }

    private sealed record AnyByte : Node
    {
        public override bool Nullable => false;
    }

    /// <summary><see cref="PathPattern.Start"/> or <see cref="PathPattern.End"/>.</summary>
    private sealed record Anchor(byte Op) : Node
    {
        public override bool Nullable => true;
    }

    /// <summary>A group; Number 0 for one that captures nothing.</summary>
    private sealed record Group(int Number, Node Body) : Node
    {
        public override bool Nullable => Body.Nullable;
    }

    private sealed record Sequence(List<Node> Items) : Node
    {
        public override bool Nullable => Items.All(i => i.Nullable);
    }

    private sealed record Alternatives(List<Node> Choices) : Node
    {
        public override bool Nullable => Choices.Any(c => c.Nullable);
    }

    /// <summary>Body repeated Min to Max times (Max -1: no limit).</summary>
    private sealed record Repeat(Node Body, int Min, int Max, bool Lazy) : Node
    {
        public override bool Nullable => Min == 0 || Body.Nullable;
    }

    // Recursive descent over PCRE's grammar: alternatives of sequences of quantified atoms.
    private sealed class Parser(string pattern)
    {
        private int _at;

        /// <summary>How many capturing groups the pattern opens.</summary>
        public int Groups { get; private set; }

        public Node Parse()
        {
            if (pattern.StartsWith("(?i)", StringComparison.Ordinal))
            {
                _at = 4; // caseless already
            }

            Node root = Alternation();
            if (_at < pattern.Length)
            {
                throw Refuse("an unmatched \")\"", _at, "PCRE refuses it too: take it out or escape it as \\)");
            }

            return root;
        }

        private Node Alternation()
        {
            var choices = new List<Node> { Sequence() };
            while (_at < pattern.Length && pattern[_at] == '|')
            {
                _at++;
                choices.Add(Sequence());
            }

            return choices.Count == 1 ? choices[0] : new Alternatives(choices);
        }

        private Node Sequence()
        {
            var items = new List<Node>();
            while (_at < pattern.Length && pattern[_at] is not ('|' or ')'))
            {
                int start = _at;
                Node? atom = Atom(items);
                if (atom == null)
                {
                    continue; // a non-ASCII literal, added byte by byte
                }

                items.Add(Quantified(atom, start));
            }

            return items.Count == 1 ? items[0] : new Sequence(items);
        }

        // One atom; null when it added its bytes to items itself.
        private Node? Atom(List<Node> items)
        {
            int start = _at;
            char c = pattern[_at++];
            switch (c)
            {
                case '(':
                    return GroupAt(start);
                case '[':
                    return Class(start);
                case '.':
                    return new AnyByte();
                case '^':
                    return new Anchor(PathPattern.Start);
                case '$':
                    return new Anchor(PathPattern.End);
                case '\\':
                    return Escape(start, inClass: false) switch
                    {
                        Escaped { Set: { } set } => new ByteSet(set),
                        Escaped { Anchor: { } op } => new Anchor(op),
                        Escaped e => new Literal(e.Byte),
                    };
                case '*' or '+' or '?':
                    throw Refuse($"\"{c}\" with nothing before it to repeat", start, "put it after a character, class or group");
                case '{' when QuantifierAt(start) != null:
                    throw Refuse($"\"{QuantifierText(start)}\" with nothing before it to repeat", start, "put it after a character, class or group");
                default:
                    if (c < 0x80)
                    {
                        return new Literal((byte)c);
                    }

                    // Bytes, as nginx's PCRE (no UTF) reads the pattern: a quantifier after it repeats its last byte.
                    int length = char.IsSurrogatePair(pattern, start) ? 2 : 1;
                    _at = start + length;
                    byte[] bytes = Encoding.UTF8.GetBytes(pattern.Substring(start, length));
                    items.AddRange(bytes[..^1].Select(b => new Literal(b)));
                    return new Literal(bytes[^1]);
            }
        }

        private Node GroupAt(int start)
        {
            int number = 0;
            if (At("?:"))
            {
                _at += 2;
            }
            else if (At("?") || At("*"))
            {
                throw Refuse(GroupConstruct(), start, Takes);
            }
            else
            {
                number = ++Groups;
                number = number < PathPattern.Groups ? number : 0; // $10 and on are no groups to nginx ($1 then '0')
            }

            Node body = Alternation();
            if (_at == pattern.Length)
            {
                throw Refuse("a \"(\" with no \")\"", start, "close the group");
            }

            _at++; // ')'
            return new Group(number, body);
        }

        // What a "(?" or "(*" group is, by PCRE's syntax, for the refusal, and as much of it as names it.
        private string GroupConstruct()
        {
            string rest = pattern[_at..];
            (string Kind, string Shown) Named(string kind, params char[] through)
            {
                int end = rest.IndexOfAny(through, 1);
                return (kind, "(" + (end < 0 ? rest : rest[..(end + 1)]));
            }

            (string Kind, string Shown) Prefix(string kind, string prefix) => (kind, "(" + prefix);
            bool Starts(string prefix) => rest.StartsWith(prefix, StringComparison.Ordinal);
            (string kind, string shown) =
                Starts("?=") ? Prefix("a lookahead", "?=") :
                Starts("?!") ? Prefix("a negative lookahead", "?!") :
                Starts("?<=") ? Prefix("a lookbehind", "?<=") :
                Starts("?<!") ? Prefix("a negative lookbehind", "?<!") :
                Starts("?<") || Starts("?P<") ? Named("a named group", '>') :
                Starts("?'") ? Named("a named group", '\'') :
                Starts("?P=") ? Named("a backreference", ')') :
                Starts("?>") ? Prefix("an atomic group", "?>") :
                Starts("?|") ? Prefix("a branch-reset group", "?|") :
                Starts("?#") ? Prefix("a comment", "?#") :
                Starts("?(") ? Prefix("a conditional group", "?(") :
                Starts("?R") || Starts("?&") || Starts("?P>")
                    || (rest.Length > 1 && (char.IsAsciiDigit(rest[1]) || (rest[1] is '+' or '-' && rest.Length > 2 && char.IsAsciiDigit(rest[2])))) ? Named("a recursion", ')') :
                Starts("*") ? Named("a backtracking verb or pattern option", ')') :
                Named("an inline option (only a (?i) at the very start is taken: the match is caseless anyway)", ')', ':');
            return $"{kind} \"{(shown.Length > 16 ? shown[..16] + "..." : shown)}\"";
        }

        private Node Quantified(Node atom, int atomStart)
        {
            if (_at == pattern.Length || QuantifierAt(_at) is not var (min, max, length))
            {
                return atom;
            }

            int start = _at;
            string text = pattern.Substring(start, length);
            if (atom is Anchor)
            {
                throw Refuse($"\"{text}\" after an anchor", start, "an anchor takes no character, so there is nothing to repeat");
            }

            if (min > MaxRepeat || max > MaxRepeat)
            {
                throw Refuse($"the count in \"{text}\"", start, $"counts up to {MaxRepeat} are taken: a board's program writes each repetition out");
            }

            if (max >= 0 && min > max)
            {
                throw Refuse($"\"{text}\", whose numbers are out of order", start, "PCRE refuses it too: write {m,n} with m <= n");
            }

            _at += length;
            bool lazy = false;
            if (_at < pattern.Length && pattern[_at] == '?')
            {
                lazy = true;
                _at++;
            }
            else if (_at < pattern.Length && pattern[_at] == '+')
            {
                throw Refuse($"the possessive quantifier \"{text}+\"", start, Takes);
            }

            if (max < 0 && atom.Nullable)
            {
                throw Refuse($"\"{pattern[atomStart.._at]}\", a repetition of something that can match nothing", atomStart,
                    "a board's backtracking would go round it without end: make each repetition take a character");
            }

            if (_at < pattern.Length && (pattern[_at] is '*' or '+' or '?' || QuantifierAt(_at) != null))
            {
                throw Refuse($"a quantifier right after \"{pattern[start.._at]}\"", _at, "put the repeated part in a group: (?:...)");
            }

            return new Repeat(atom, min, max, lazy);
        }

        // The quantifier at i: *, +, ?, {m}, {m,}, {m,n}; null for none (a '{' that starts none is a literal).
        private (int Min, int Max, int Length)? QuantifierAt(int i)
        {
            switch (pattern[i])
            {
                case '*':
                    return (0, -1, 1);
                case '+':
                    return (1, -1, 1);
                case '?':
                    return (0, 1, 1);
                case '{':
                    break;
                default:
                    return null;
            }

            int close = pattern.IndexOf('}', i);
            if (close < 0)
            {
                return null;
            }

            string inside = pattern[(i + 1)..close];
            string[] parts = inside.Split(',');
            if (parts.Length > 2 || parts.Any(p => p.Any(ch => !char.IsAsciiDigit(ch))))
            {
                return null;
            }

            if (parts[0].Length == 0)
            {
                if (parts.Length == 2 && parts[1].Length > 0)
                {
                    throw Refuse($"\"{{{inside}}}\"", i, "PCRE versions disagree on it (a quantifier or literal text): write {0," + parts[1] + "}, or \\{ for the text");
                }

                return null;
            }

            int min = Count(parts[0]);
            int max = parts.Length == 1 ? min : parts[1].Length == 0 ? -1 : Count(parts[1]);
            return (min, max, close - i + 1);
        }

        private string QuantifierText(int i) => pattern.Substring(i, QuantifierAt(i)!.Value.Length);

        private static int Count(string digits) =>
            int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 65535 ? n : 65536;

        private Node Class(int start)
        {
            var members = new bool[256];
            bool negated = false;
            if (_at < pattern.Length && pattern[_at] == '^')
            {
                negated = true;
                _at++;
            }

            bool first = true;
            while (true)
            {
                if (_at == pattern.Length)
                {
                    throw Refuse("a \"[\" with no \"]\"", start, "close the class, or escape it as \\[");
                }

                char c = pattern[_at];
                if (c == ']' && !first)
                {
                    _at++;
                    break;
                }

                first = false;
                if (c == '[' && _at + 1 < pattern.Length && pattern[_at + 1] is ':' or '.' or '=')
                {
                    int end = pattern.IndexOf(pattern[_at + 1] + "]", _at + 2, StringComparison.Ordinal);
                    if (end > 0)
                    {
                        throw Refuse($"the POSIX class \"{pattern[_at..(end + 2)]}\"", _at, "write the characters as a range, such as [a-z0-9]");
                    }
                }

                int itemStart = _at;
                ClassItem low = ClassItemAt();
                bool range = _at + 1 < pattern.Length && pattern[_at] == '-' && pattern[_at + 1] != ']';
                if (low.Set != null && range)
                {
                    throw Refuse($"the range \"{pattern[itemStart..(_at + 2)]}\", which starts with a class", itemStart, "PCRE refuses it too: escape the '-' as \\- or put it last");
                }

                if (low.Set != null)
                {
                    Add(members, low.Set);
                }
                else if (range)
                {
                    _at++;
                    ClassItem high = ClassItemAt();
                    if (high.Set != null)
                    {
                        throw Refuse($"the range \"{pattern[itemStart.._at]}\", which ends in a class", itemStart, "PCRE refuses it too: escape the '-' as \\- or put it last");
                    }

                    if (high.Byte < low.Byte)
                    {
                        throw Refuse($"the range \"{pattern[itemStart.._at]}\", which is out of order", itemStart, "PCRE refuses it too: write the lower end first");
                    }

                    for (int b = low.Byte; b <= high.Byte; b++)
                    {
                        members[b] = true;
                    }
                }
                else
                {
                    members[low.Byte] = true;
                }
            }

            Fold(members);
            if (negated)
            {
                for (int b = 0; b < 256; b++)
                {
                    members[b] = !members[b];
                }
            }

            return new ByteSet(members);
        }

        private readonly record struct ClassItem(byte Byte, bool[]? Set);

        private ClassItem ClassItemAt()
        {
            int start = _at;
            char c = pattern[_at++];
            if (c == '\\')
            {
                Escaped e = Escape(start, inClass: true);
                return new ClassItem(e.Byte, e.Set);
            }

            if (c >= 0x80)
            {
                throw Refuse($"the non-ASCII character \"{c}\" in a class", start,
                    "nginx's PCRE matches bytes, so a class would take each byte of it alone: write it outside a class, or percent-encoded");
            }

            return new ClassItem((byte)c, null);
        }

        private readonly record struct Escaped(byte Byte, bool[]? Set, byte? Anchor);

        // The escape at start ('\' already read).
        private Escaped Escape(int start, bool inClass)
        {
            if (_at == pattern.Length)
            {
                throw Refuse("a \"\\\" at the end", start, "PCRE refuses it too: write \\\\ for a backslash");
            }

            char c = pattern[_at++];
            string text = "\\" + c;
            switch (c)
            {
                case 'd' or 'D' or 'w' or 'W' or 's' or 'S':
                    return new Escaped(0, Shorthand(c), null);
                case 't':
                    return new Escaped((byte)'\t', null, null);
                case 'n':
                    return new Escaped((byte)'\n', null, null);
                case 'r':
                    return new Escaped((byte)'\r', null, null);
                case 'f':
                    return new Escaped((byte)'\f', null, null);
                case 'e':
                    return new Escaped(0x1B, null, null);
                case 'a':
                    return new Escaped(0x07, null, null);
                case 'b' when inClass:
                    return new Escaped(0x08, null, null); // backspace, in a class
                case 'x':
                    if (_at + 2 <= pattern.Length && byte.TryParse(pattern.AsSpan(_at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte value)
                        && char.IsAsciiHexDigit(pattern[_at]) && char.IsAsciiHexDigit(pattern[_at + 1]))
                    {
                        _at += 2;
                        return new Escaped(value, null, null);
                    }

                    throw Refuse($"\"{text}\" without two hex digits", start, "write \\xhh, such as \\x2F");
                case 'A' when !inClass:
                    return new Escaped(0, null, PathPattern.Start);
                case 'z' or 'Z' when !inClass:
                    return new Escaped(0, null, PathPattern.End); // \Z also before a final newline, which a path has not
            }

            if (!char.IsAsciiLetterOrDigit(c))
            {
                if (c >= 0x80)
                {
                    throw Refuse($"\"{text}\", an escaped non-ASCII character", start, "write the character without the \\");
                }

                return new Escaped((byte)c, null, null);
            }

            string kind = c switch
            {
                >= '1' and <= '9' or 'g' or 'k' => "the backreference",
                '0' or 'o' => "the octal escape",
                'b' or 'B' => "the word boundary",
                'G' => "the anchor",
                'K' => "the match-start reset",
                'p' or 'P' or 'X' => "the Unicode property",
                'Q' or 'E' => "the quotation",
                'c' => "the control-character escape",
                'h' or 'H' or 'v' or 'V' or 'R' or 'N' or 'C' => "the escape",
                'A' or 'z' or 'Z' => "the anchor (in a class)",
                _ => "the unknown escape",
            };
            throw Refuse($"{kind} \"{text}\"", start, Takes);
        }

        private static bool[] Shorthand(char c)
        {
            var set = new bool[256];
            for (int b = 0; b < 256; b++)
            {
                set[b] = char.ToLowerInvariant(c) switch
                {
                    'd' => b is >= '0' and <= '9',
                    'w' => b is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_',
                    _ => b is >= 9 and <= 13 or ' ', // PCRE's \s: \t \n \v \f \r and space
                };
                set[b] ^= char.IsAsciiLetterUpper(c);
            }

            return set;
        }

        private static void Add(bool[] members, bool[] set)
        {
            for (int b = 0; b < 256; b++)
            {
                members[b] |= set[b];
            }
        }

        // Caseless: a letter in the set brings the other case (the board compares a class with the path's byte as it came).
        private static void Fold(bool[] members)
        {
            for (int b = 'a'; b <= 'z'; b++)
            {
                bool either = members[b] || members[b - 32];
                members[b] = members[b - 32] = either;
            }
        }

        private bool At(string text) => string.CompareOrdinal(pattern, _at, text, 0, text.Length) == 0;

        private PatternException Refuse(string what, int at, string why) =>
            new($"{what} at character {at + 1} is not taken: {why}");
    }

    // Writes the tree as a program; branch targets patched once known.
    private sealed class Emitter
    {
        private readonly List<byte> _code = [];

        public byte[] ToArray() => [.. _code];

        public void Program(Node root)
        {
            if (root is Alternatives { Choices: var choices })
            {
                // ^A|B: A anchored, B anywhere. Search for the leftmost match as PCRE does: at each
                // position try the alternatives in order (A only where ^ holds), then move one on.
                int search = _code.Count;
                int split = Split();
                int skip = _code.Count;
                Op(PathPattern.Any);
                Jump(search);
                Patch(split + 1, _code.Count);
                Patch(split + 3, skip);
                Save(0);
                Emit(new Alternatives([new Sequence([new Anchor(PathPattern.Start), choices[0]]), .. choices.Skip(1)]));
            }
            else
            {
                Save(0);
                Emit(root);
            }

            Save(1);
            Op(PathPattern.Match);
        }

        private void Emit(Node node)
        {
            switch (node)
            {
                case Literal l:
                    Op(PathPattern.Char, Lower(l.Byte));
                    break;
                case ByteSet s:
                    Set(s.Members);
                    break;
                case AnyByte:
                    Op(PathPattern.Any);
                    break;
                case Anchor a:
                    Op(a.Op);
                    break;
                case Group g:
                    if (g.Number > 0)
                    {
                        Save(2 * g.Number);
                    }

                    Emit(g.Body);
                    if (g.Number > 0)
                    {
                        Save(2 * g.Number + 1);
                    }

                    break;
                case Sequence q:
                    q.Items.ForEach(Emit);
                    break;
                case Alternatives a:
                    var ends = new List<int>();
                    for (int i = 0; i < a.Choices.Count - 1; i++)
                    {
                        int split = Split();
                        Patch(split + 1, _code.Count);
                        Emit(a.Choices[i]);
                        ends.Add(Jump(0));
                        Patch(split + 3, _code.Count);
                    }

                    Emit(a.Choices[^1]);
                    ends.ForEach(j => Patch(j + 1, _code.Count));
                    break;
                case Repeat r:
                    Repeated(r);
                    break;
            }
        }

        private void Repeated(Repeat r)
        {
            if (r.Max < 0 && !r.Lazy && OneByte(r.Body) is { } one)
            {
                // X{m,} on one byte: X m times, then Many X, one backtracking entry for the whole run
                // (a loop of Splits would hold one a byte, and a board holds PathPattern.StackEntries).
                for (int i = 0; i < r.Min; i++)
                {
                    Emit(one);
                }

                Op(PathPattern.Many);
                Emit(one);
                return;
            }

            for (int i = 0; i < r.Min - (r.Max < 0 && r.Min > 0 ? 1 : 0); i++)
            {
                Emit(r.Body);
            }

            if (r.Max < 0 && r.Min > 0)
            {
                // The last required one loops: L: X; Split L, out (lazy: Split out, L).
                int loop = _code.Count;
                Emit(r.Body);
                int split = Split();
                Patch(split + (r.Lazy ? 3 : 1), loop);
                Patch(split + (r.Lazy ? 1 : 3), _code.Count);
            }
            else if (r.Max < 0)
            {
                // L: Split X, out; X; Jump L (lazy: Split out, X).
                int split = Split();
                Patch(split + (r.Lazy ? 3 : 1), _code.Count);
                Emit(r.Body);
                Jump(split);
                Patch(split + (r.Lazy ? 1 : 3), _code.Count);
            }
            else
            {
                // Max - Min optional ones, each inside the one before: every skip goes to the end.
                var splits = new List<int>();
                for (int i = r.Min; i < r.Max; i++)
                {
                    int split = Split();
                    Patch(split + (r.Lazy ? 3 : 1), _code.Count);
                    splits.Add(split);
                    Emit(r.Body);
                }

                splits.ForEach(s => Patch(s + (r.Lazy ? 1 : 3), _code.Count));
            }
        }

        // What a node takes when it takes exactly one byte and captures nothing, as one instruction's
        // node (a character, '.', a class); null when it takes more or less, or captures.
        private static Node? OneByte(Node node)
        {
            switch (node)
            {
                case Literal or ByteSet or AnyByte:
                    return node;
                case Group { Number: 0, Body: var body }:
                    return OneByte(body);
                case Alternatives { Choices: var choices }:
                    // (?:a|[bc]|.) as one class: each choice ends at the same next byte, so which
                    // one took it changes nothing after.
                    var members = new bool[256];
                    foreach (Node choice in choices)
                    {
                        switch (OneByte(choice))
                        {
                            case Literal l:
                                members[l.Byte] = members[Lower(l.Byte)] = members[Upper(l.Byte)] = true;
                                break;
                            case ByteSet s:
                                for (int b = 0; b < 256; b++)
                                {
                                    members[b] |= s.Members[b];
                                }

                                break;
                            case AnyByte:
                                Array.Fill(members, true);
                                break;
                            default:
                                return null;
                        }
                    }

                    return members.All(m => m) ? new AnyByte() : new ByteSet(members);
                default:
                    return null;
            }
        }

        // A class as the fewer ranges of it or of its complement; one byte (a letter in both cases) as Char.
        private void Set(bool[] members)
        {
            List<(int Low, int High)> ranges = Ranges(members, true);
            List<(int Low, int High)> outside = Ranges(members, false);
            int count = members.Count(m => m);
            if (count == 1 || (count == 2 && ranges is [var (l, h), var (l2, h2)] && l == h && l2 == h2 && l + 32 == l2 && char.IsAsciiLetterUpper((char)l)))
            {
                Op(PathPattern.Char, Lower((byte)ranges[0].Low));
                return;
            }

            bool not = outside.Count < ranges.Count;
            List<(int Low, int High)> written = not ? outside : ranges;
            Op(not ? PathPattern.NotClass : PathPattern.Class, (byte)written.Count);
            foreach ((int low, int high) in written)
            {
                Bytes((byte)low, (byte)high);
            }
        }

        private static List<(int Low, int High)> Ranges(bool[] members, bool wanted)
        {
            var ranges = new List<(int, int)>();
            for (int b = 0; b < 256; b++)
            {
                if (members[b] != wanted)
                {
                    continue;
                }

                int low = b;
                while (b + 1 < 256 && members[b + 1] == wanted)
                {
                    b++;
                }

                ranges.Add((low, b));
            }

            return ranges;
        }

        private void Save(int slot) => Op(PathPattern.Save, (byte)slot);

        // A Split with both targets to patch (at +1 and +3); where it is.
        private int Split()
        {
            int at = _code.Count;
            Op(PathPattern.Split, 0, 0, 0, 0);
            return at;
        }

        private int Jump(int target)
        {
            int at = _code.Count;
            Op(PathPattern.Jump, (byte)(target >> 8), (byte)target);
            return at;
        }

        private void Patch(int at, int target)
        {
            _code[at] = (byte)(target >> 8);
            _code[at + 1] = (byte)target;
        }

        private void Op(byte op, params byte[] operands)
        {
            _code.Add(op);
            Bytes(operands);
        }

        private void Bytes(params byte[] bytes)
        {
            _code.AddRange(bytes);
            if (_code.Count > MaxProgram)
            {
                throw new PatternException($"the pattern takes more than the {MaxProgram} bytes of program a board keeps for one path "
                    + $"(its offsets could address {PathPattern.MaxProgram}, a board's memory holds far less): shorten it, or lower its {{m,n}} counts");
            }
        }

        private static byte Lower(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c + 32) : c;

        private static byte Upper(byte c) => c is >= (byte)'a' and <= (byte)'z' ? (byte)(c - 32) : c;
    }
}

/// <summary>A path compiled for a board: its <see cref="PathPattern"/> program and how many groups ($1-$9) it captures; or, with no program, why not.</summary>
public sealed record CompiledPath(byte[]? Program, int Groups, string? Error);
