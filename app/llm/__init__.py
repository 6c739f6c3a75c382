"""The language-model seam. Every model call goes through `app.llm.gateway.LLMGateway`.

Kept import-light on purpose: `app.settings` imports `app.llm.local_model`, which must not pull in LangChain.
"""
