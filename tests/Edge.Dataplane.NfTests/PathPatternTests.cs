#nullable disable // nanoFramework C#, as the firmware builds it: no nullable annotations
using Edge.Dataplane.Ingress;
using Edge.Dataplane.NfTests.Sim;
using Edge.Dataplane.Workloads;
using nanoFramework.TestFramework;
using Assert = nanoFramework.TestFramework.Assert;

namespace Edge.Dataplane.NfTests
{
    /// <summary>
    /// The board's matcher for ingress-nginx's regular-expression paths: anchored at the path's
    /// start and case-insensitive (<c>location ~* "^PATH"</c>), groups as PCRE numbers them, and
    /// bounded: a pattern that backtracks without end is given up and counted, never left to hold
    /// the board; a program a board could not run to its end is refused before it is kept.
    /// </summary>
    [TestClass]
    public class PathPatternTests
    {

        [TestMethod]
        public void The_documented_rewrite_pattern_matches_its_paths_with_the_groups_ingress_nginx_gives()
        {
            byte[] program = PatternAssembler.Something();
            Assert.IsTrue(PathPattern.Valid(program));
            var pattern = new PathPattern();

            AssertGroups(pattern, program, "/something/new/path", "/", "new/path");
            AssertGroups(pattern, program, "/something", "", "");
            AssertGroups(pattern, program, "/SomeThing/Case", "/", "Case");
            AssertGroups(pattern, program, "/something/", "/", "");
            Assert.IsFalse(Matches(pattern, program, "/somethingelse"), "(/|$) wants a '/' or the end");
            Assert.IsFalse(Matches(pattern, program, "/x/something/"), "anchored at the start");
            Assert.IsFalse(Matches(pattern, program, "/some"));

            // A long path: a run of .* is one way back, not one a byte.
            string tail = "";
            while (tail.Length < 1200)
            {
                tail += "segment/";
            }

            AssertGroups(pattern, program, "/something/" + tail, "/", tail);
            Assert.AreEqual(0L, pattern.TooHard);
        }

        [TestMethod]
        public void A_greedy_run_gives_bytes_back_until_the_rest_matches()
        {
            // /(.*)/(.*): the first run takes all, then gives back to the last '/'.
            byte[] program = new PatternAssembler()
                .Save(0).Text("/")
                .Save(2).Op(PathPattern.Many).Op(PathPattern.Any).Save(3)
                .Text("/")
                .Save(4).Op(PathPattern.Many).Op(PathPattern.Any).Save(5)
                .Save(1).Op(PathPattern.Match)
                .Build();
            Assert.IsTrue(PathPattern.Valid(program));
            var pattern = new PathPattern();
            AssertGroups(pattern, program, "/a/b/c", "a/b", "c");
            AssertGroups(pattern, program, "/a/", "a", "");
            Assert.IsFalse(Matches(pattern, program, "/abc"));

            // [a-z]+ as the compiler writes it: one, then a run.
            byte[] word = new PatternAssembler()
                .Save(0).Text("/").Save(2)
                .Range(PathPattern.Class, 'a', 'z').Op(PathPattern.Many).Range(PathPattern.Class, 'a', 'z')
                .Save(3).Save(1).Op(PathPattern.Match)
                .Build();
            Assert.IsTrue(PathPattern.Valid(word));
            Assert.IsTrue(Matches(pattern, word, "/abc9"));
            Assert.AreEqual(3, pattern.GroupLength(1));
            Assert.IsFalse(Matches(pattern, word, "/9"));
            Assert.IsFalse(PathPattern.Valid(new byte[] { PathPattern.Many, PathPattern.Save, 0, PathPattern.Match }), "Many takes a one-byte instruction");
            Assert.IsFalse(PathPattern.Valid(new byte[] { PathPattern.Many, PathPattern.Many, PathPattern.Any, PathPattern.Match }), "not another Many");
        }

        [TestMethod]
        public void A_pattern_that_would_backtrack_without_end_is_given_up_and_counted()
        {
            // (a+)+b: every way of cutting the a's into groups is tried before the missing b is found.
            byte[] program = new PatternAssembler()
                .Label(0).Text("a").Split(0, 1)
                .Label(1).Split(0, 2)
                .Label(2).Text("b").Op(PathPattern.Match)
                .Build();
            Assert.IsTrue(PathPattern.Valid(program));
            var pattern = new PathPattern();
            Assert.IsTrue(Matches(pattern, program, "aab"));
            Assert.IsFalse(Matches(pattern, program, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac"));
            Assert.IsTrue(pattern.TooHard >= 1, "given up, not run to its end");
        }

        [TestMethod]
        public void A_program_the_matcher_could_not_run_to_its_end_is_not_valid()
        {
            byte[] good = PatternAssembler.Something();
            for (int cut = 1; cut < good.Length; cut++)
            {
                byte[] shorter = new byte[cut];
                System.Array.Copy(good, shorter, cut);
                Assert.IsFalse(PathPattern.Valid(shorter), "cut at " + cut.ToString());
            }

            byte[] jumpInside = new PatternAssembler().Jump(0).Op(PathPattern.Match).Build();
            jumpInside[2] = 1; // into the middle of the jump's own operand
            Assert.IsFalse(PathPattern.Valid(jumpInside));
            Assert.IsFalse(PathPattern.Valid(new byte[] { PathPattern.Save, 20, PathPattern.Match }), "20 slots: $0-$9");
            Assert.IsFalse(PathPattern.Valid(new byte[] { 42 }));
            Assert.IsFalse(PathPattern.Valid(new byte[] { PathPattern.Any }), "runs off its end");
            Assert.IsFalse(PathPattern.Valid(new byte[0]));
        }

        private static bool Matches(PathPattern pattern, byte[] program, string path)
        {
            byte[] bytes = Ascii.Bytes("GET " + path);
            return pattern.Matches(program, bytes, 4, bytes.Length - 4);
        }

        private static void AssertGroups(PathPattern pattern, byte[] program, string path, string one, string two)
        {
            Assert.IsTrue(Matches(pattern, program, path), path);
            Assert.AreEqual(0, pattern.GroupStart(0), path);
            Assert.AreEqual(path.Length, pattern.GroupLength(0), path);
            Assert.AreEqual(one, path.Substring(pattern.GroupStart(1), pattern.GroupLength(1)), path + " $1");
            Assert.AreEqual(two, pattern.GroupLength(2) == 0 ? "" : path.Substring(pattern.GroupStart(2), pattern.GroupLength(2)), path + " $2");
        }
    }
}
