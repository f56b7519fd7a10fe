// Every attribute type written by this client reads back identically with
// boto3 (through boto3's own type deserializer into Python values), and
// what boto3 writes from Python values reads back identically here.
#include <gtest/gtest.h>

#include "mem0/dynamodb/client.h"
#include "support/test_env.h"

namespace mem0::dynamodb {
namespace {

AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
AttributeValue N(std::string n) { return AttributeValue::N(std::move(n)); }

// The same item twice: here as AttributeValues, below as Python values.
Item ExpectedItem(const std::string& sk) {
  return {
      {"pk", S("interop")},
      {"sk", S(sk)},
      {"s", S("caf\xc3\xa9 \xf0\x9f\x98\x80 \"quoted\"\n")},
      {"n_small", N("1E-130")},
      {"n_big", N("9.9999999999999999999999999999999999999E+125")},
      {"n_neg", N("-0.5")},
      {"n_digits", N("12345678901234567890123456789012345678")},
      {"b", AttributeValue::B(std::string("\x00\x01\xfe\xff", 4))},
      {"t", AttributeValue::Bool(true)},
      {"null", AttributeValue::Nul()},
      {"ss", AttributeValue::SS({"a", "b"})},
      {"ns", AttributeValue::NS({"1", "-2.5", "1E-130"})},
      {"bs", AttributeValue::BS({std::string("\x01", 1), std::string("\x02\x03", 2)})},
      {"m", AttributeValue::M(
                {{"list", AttributeValue::L({S("x"), N("2"), AttributeValue::M({{"deep", S("y")}}),
                                             AttributeValue::L({})})},
                 {"empty_map", AttributeValue::M({})}})},
  };
}

// DynamoDB Local returns 9.99...E+125 spelled out as 126 digits, which
// boto3's 38-digit decimal context refuses to read (decimal.Rounded) whoever
// wrote it; a wider context reads the same value exactly.
constexpr const char* kPythonItem = R"PY(
import decimal
import boto3.dynamodb.types
boto3.dynamodb.types.DYNAMODB_CONTEXT = decimal.Context(prec=200, Emin=-200, Emax=200)
from decimal import Decimal
from boto3.dynamodb.types import Binary
def expected_item(sk):
    return {
        "pk": "interop", "sk": sk,
        "s": "caf\u00e9 \U0001F600 \"quoted\"\n",
        "n_small": Decimal("1E-130"),
        "n_big": Decimal("9.9999999999999999999999999999999999999E+125"),
        "n_neg": Decimal("-0.5"),
        "n_digits": Decimal("12345678901234567890123456789012345678"),
        "b": Binary(b"\x00\x01\xfe\xff"),
        "t": True,
        "null": None,
        "ss": {"a", "b"},
        "ns": {Decimal("1"), Decimal("-2.5"), Decimal("1E-130")},
        "bs": {Binary(b"\x01"), Binary(b"\x02\x03")},
        "m": {"list": ["x", Decimal(2), {"deep": "y"}, []], "empty_map": {}},
    }
)PY";

class Boto3InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = testing::MakeLocalClient();
    table_ = testing::UniqueName("interop");
    testing::CreateTestTable(*client_, table_);
  }
  void TearDown() override { (void)client_->DeleteTable(table_); }
  std::unique_ptr<Client> client_;
  std::string table_;
};

TEST_F(Boto3InteropTest, Boto3ReadsWhatWeWrite) {
  auto put = client_->PutItem({table_, ExpectedItem("from-cpp")});
  ASSERT_TRUE(put.ok()) << put.error().ToString();
  const std::string script = std::string(kPythonItem) + R"PY(
import boto3, sys
table = boto3.resource("dynamodb").Table(sys.argv[1] if len(sys.argv) > 1 else TABLE)
got = table.get_item(Key={"pk": "interop", "sk": "from-cpp"}, ConsistentRead=True)["Item"]
want = expected_item("from-cpp")
bad = [k for k in set(want) | set(got) if want.get(k, "<absent>") != got.get(k, "<absent>")]
for k in bad:
    print("MISMATCH", k, repr(want.get(k, "<absent>")), repr(got.get(k, "<absent>")))
print("OK" if not bad else "FAIL")
)PY";
  auto result = testing::RunPython("TABLE = '" + table_ + "'\n" + script);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.out, "OK\n") << result.out << result.err;
}

TEST_F(Boto3InteropTest, WeReadWhatBoto3Writes) {
  const std::string script = std::string(kPythonItem) + R"PY(
import boto3
boto3.resource("dynamodb").Table(TABLE).put_item(Item=expected_item("from-boto3"))
print("written")
)PY";
  auto result = testing::RunPython("TABLE = '" + table_ + "'\n" + script);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto got =
      client_->GetItem({table_, {{"pk", S("interop")}, {"sk", S("from-boto3")}}, "", {}, true});
  ASSERT_TRUE(got.ok()) << got.error().ToString();
  ASSERT_TRUE(got->item.has_value());
  const Item expected = ExpectedItem("from-boto3");
  ASSERT_EQ(got->item->size(), expected.size());
  for (const auto& [name, value] : expected) {
    ASSERT_TRUE(got->item->count(name)) << name;
    EXPECT_EQ(testing::Canonical(value), testing::Canonical(got->item->at(name))) << name;
  }
}

}  // namespace
}  // namespace mem0::dynamodb
