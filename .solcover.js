// Coverage measures the deployable contracts; the test-only tokens in contracts/test are tools, not product.
module.exports = {
  skipFiles: ["test/"],
};
