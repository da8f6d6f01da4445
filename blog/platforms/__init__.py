"""Move a whole blog in or out: WordPress (WXR) and Blogger exports.

parse (pure, streamed: `wxr`, `blogger`) -> write (`writer`, one transaction per post);
`wxr_export` writes this site back out as WXR.
"""
